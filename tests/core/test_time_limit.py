"""The wall-clock budget: its alarm cannot be lost to code that swallows exceptions."""

from __future__ import annotations

import time

import pytest

from grader.core import limits
from grader.core.errors import BudgetExceeded


def test_an_alarm_swallowed_once_rings_again_until_the_budget_stops_the_work() -> None:
    swallowed = 0
    with pytest.raises(BudgetExceeded), limits.time_limit(0.02):
        try:
            _spin()  # the whole loop inside the try: the raise lands in it, never in the loop's own jumps
        except BudgetExceeded:
            swallowed += 1  # as a gc callback or a __del__ would swallow it
        _spin()  # only the alarm ringing again stops this before 10 s (then nothing is raised)
    assert swallowed == 1


def test_no_alarm_rings_after_the_budget_is_left() -> None:
    with pytest.raises(BudgetExceeded), limits.time_limit(0.01):
        while True:
            sum(range(1000))
    time.sleep(limits.REPEAT_SECONDS * 3)  # a repeat left armed would raise here


def _spin() -> None:
    end = time.monotonic() + 10  # only a lost alarm lets this run so long
    while time.monotonic() < end:
        sum(range(1000))  # pure Python that never calls limits.check(): only the alarm stops it


def test_after_an_inner_budget_the_outer_ones_alarm_still_rings_and_the_handler_is_put_back() -> None:
    import signal

    def theirs(signum: int, frame: object) -> None:
        raise AssertionError("a handler of someone else's rang")

    before = signal.signal(signal.SIGALRM, theirs)
    try:
        began = time.monotonic()
        with pytest.raises(BudgetExceeded), limits.time_limit(0.3):
            with pytest.raises(BudgetExceeded), limits.time_limit(0.05):
                _spin()
            with limits.time_limit(5):  # inside, never longer than the outer budget
                _spin()
        assert time.monotonic() - began < 2
        assert signal.getsignal(signal.SIGALRM) is theirs
        time.sleep(limits.REPEAT_SECONDS * 3)  # nothing left armed
    finally:
        signal.signal(signal.SIGALRM, before)


def test_nested_budgets_install_the_handler_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """signal.signal (its enum conversions) was a sixth of grading an answer already seen: each nested
    budget installed the handler, put the old one back, and installed it again for the outer one."""
    calls = []
    real = limits._set_handler

    def counted(signum: int, handler: object) -> object:
        calls.append(handler)
        return real(signum, handler)

    monkeypatch.setattr(limits, "_set_handler", counted)
    with limits.time_limit(5):
        for _ in range(3):
            with limits.time_limit(1), limits.time_limit(0.5):
                sum(range(10))
    assert len(calls) == 2  # installed by the outermost, put back by it


def test_a_budget_rings_even_when_another_handler_was_put_in_meanwhile() -> None:
    """Whose handler is installed is asked at each budget, never remembered from an outer one."""
    import signal

    def theirs(signum: int, frame: object) -> None:
        raise AssertionError("a handler of someone else's rang")

    with pytest.raises(BudgetExceeded), limits.time_limit(5):
        before = signal.signal(signal.SIGALRM, theirs)  # as code run under the budget might
        try:
            with limits.time_limit(0.05):
                _spin()
        finally:
            signal.signal(signal.SIGALRM, before)
