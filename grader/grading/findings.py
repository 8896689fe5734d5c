"""The findings of a part-specific grader, before grading wraps them into a Result."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from grader.equivalence import Counterexample, compare
from grader.grading.results import Point, Status, Step
from grader.sheets.model import Mistake, Sheet


@dataclass(frozen=True)
class Outcome:
    """What a part-specific grader found, before it is wrapped into a Result."""

    status: Status
    score: float
    feedback: str
    decided_by: str
    detail: str = ""
    parsed: sympy.Basic | None = None
    counterexample: Point | None = None
    mistake: str | None = None
    steps: tuple[Step, ...] = ()
    said: str | None = None  # how a non-expression answer (a choice) was understood
    lines: tuple[str, ...] = ()  # a derivation as read, one entry per line: `line 2: exp(-x)/...`


def point_of(c: Counterexample) -> Point:
    return Point(c.point, c.expected, c.got, c.note)


def match_mistake(
    sheet: Sheet, mistakes: tuple[Mistake, ...], given: sympy.Basic, variables: list[sympy.Symbol]
) -> Mistake | None:
    """The first known mistake equivalent to the answer (string mistakes are for choice parts)."""
    for m in mistakes:
        if isinstance(m.answer, str):
            continue
        if compare(sheet.expand(m.answer.expr), given, variables).verdict == "equivalent":
            return m
    return None
