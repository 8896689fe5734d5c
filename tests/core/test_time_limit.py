"""The wall-clock budget: its alarm cannot be lost to code that swallows exceptions."""

from __future__ import annotations

import time

import pytest

from grader.core import limits
from grader.core.errors import BudgetExceeded


def test_an_alarm_swallowed_once_rings_again_until_the_budget_stops_the_work() -> None:
    swallowed = 0
    with pytest.raises(BudgetExceeded), limits.time_limit(0.02):
        end = time.monotonic() + 10  # only a lost alarm lets the loop run this long
        while time.monotonic() < end:
            try:
                sum(range(1000))  # work that never calls limits.check()
            except BudgetExceeded:
                swallowed += 1  # as a gc callback or a __del__ would swallow it
                if swallowed > 1:
                    raise
    assert swallowed == 2


def test_no_alarm_rings_after_the_budget_is_left() -> None:
    with pytest.raises(BudgetExceeded), limits.time_limit(0.01):
        while True:
            sum(range(1000))
    time.sleep(limits.REPEAT_SECONDS * 3)  # a repeat left armed would raise here
