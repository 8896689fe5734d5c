"""Bounds on what one answer may cost: sizes for the parser, a wall-clock budget for the rest.

The budget is enforced two ways: long loops call `check()` (cooperative), and in the main
thread a SIGALRM timer interrupts pure-Python work that never reaches a `check()` (sympy).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from grader.core.errors import BudgetExceeded

MAX_ANSWER_CHARS = 2_000  # one expression
MAX_DERIVATION_CHARS = 10_000  # a whole multi-line derivation
MAX_DEPTH = 60  # nesting of brackets / operators
MAX_TOKENS = 600
MAX_NUMBER_DIGITS = 40  # digits in one literal
MAX_INT_BITS = 2_000  # size of any integer the parser folds (9^9^9 is refused)
MAX_EXPONENT = 200  # |integer exponent| on a variable, a product or a function (x^200*x^200 is refused)
# on a sum, (x-a)^6000: evaluation at exact points raises an interval to the power in log2(n) steps
# (nothing is expanded); the symbolic prover treats such powers as atoms
MAX_SUM_EXPONENT = 10_000
DEFAULT_SECONDS = 3.0  # wall time for grading one answer

_deadline: float | None = None
# signal.signal and getsignal without their enum conversions (a failed Handlers(fn) lookup per call: a tenth
# of grading an answer already seen); they take and return the same handlers, so what is put back was there
_set_handler = getattr(signal, "_signal", signal).signal
_get_handler = getattr(signal, "_signal", signal).getsignal
overruns = 0  # budgets that ran out so far in this process: a result reached meanwhile may differ next time


def check() -> None:
    """Raise BudgetExceeded if the current budget has run out."""
    global overruns
    if _deadline is not None and time.monotonic() > _deadline:
        overruns += 1
        raise BudgetExceeded(seconds=round(_budget, 3))


_budget = 0.0


def remaining() -> float | None:
    """Seconds left in the current budget, or None when no budget is set."""
    if _deadline is None:
        return None
    return max(0.0, _deadline - time.monotonic())


REPEAT_SECONDS = 0.05  # a raise that lands in a gc callback or a __del__ is swallowed: ring again


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    global overruns
    overruns += 1
    signal.setitimer(signal.ITIMER_REAL, REPEAT_SECONDS)  # stopped by time_limit's exit once the raise lands
    raise BudgetExceeded(seconds=round(_budget, 3))


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the body with a wall-clock budget; nested budgets never extend an outer one."""
    global _deadline, _budget
    outer_deadline, outer_budget = _deadline, _budget
    new_deadline = time.monotonic() + seconds
    if outer_deadline is not None and outer_deadline < new_deadline:
        new_deadline = outer_deadline
    else:
        _budget = seconds
    _deadline = new_deadline
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    # The handler is installed, and the one before put back, by the outermost budget only (nested ones, 3
    # an answer, each called signal.signal three times: a sixth of grading an answer already seen). Whose
    # it is is asked each time, never remembered: an alarm inside a `finally` may skip putting it back.
    mine = use_alarm and _get_handler(signal.SIGALRM) is not _on_alarm
    old_handler = _set_handler(signal.SIGALRM, _on_alarm) if mine else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, max(new_deadline - time.monotonic(), 0.001))
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if mine:
            _set_handler(signal.SIGALRM, old_handler)
        _deadline, _budget = outer_deadline, outer_budget
        if use_alarm and _deadline is not None:
            if _get_handler(signal.SIGALRM) is not _on_alarm:  # an outer budget of another thread: ring it here
                _set_handler(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, max(_deadline - time.monotonic(), 0.001))


# A wrong answer's plot (grader.grading.plots): evaluations of both functions together, and wall time.
# Past either, no plot is drawn (never a partial one that might join a line across a pole).
PLOT_EVALUATIONS = 6_000
PLOT_SECONDS = 1.0  # a wrong answer's plot (grading/plots.py); the class server's plot job (serve/app.py plot_page)
