"""Whether a decision may be kept (grader.equivalence.memo): not when, on the way, a fallback was
taken because time, stack or memory ran out, since the same question may be settled otherwise
next time (with more time, from a shallower stack)."""

from __future__ import annotations

cut_short = 0  # fallbacks of that kind taken so far in this process


def cut() -> None:
    """Note one such fallback."""
    global cut_short
    cut_short += 1
