"""What a batch worker process does with one task. Only worker processes run this (it evaluates
student text with sympy); the batch's parent process only reads files and writes reports.

Two kinds of task: grade one distinct (part, answer), and decide whether two wrong answers to a
part are the same function (to group them in the summary). `handle` is the default handler; a
test may give the pool another one (see `grader.batch.grade.grade_paths(handler=...)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

import sympy

from grader.core import limits
from grader.core.errors import GraderError
from grader.equivalence import compare, evaluate_at
from grader.grading.grade import grade
from grader.grading.results import Result
from grader.parsing import parse, symbol
from grader.sheets import variants
from grader.sheets.model import Sheet

FINGERPRINT_SECONDS = 0.5  # grouping is a convenience: never let it cost more than grading
FINGERPRINT_DIGITS = 12
# Exact points away from the kinks and poles of the usual answers (0, ±1, ±π/2, ...).
_POINTS = (sympy.Rational(-37, 10), sympy.Rational(-6, 5), sympy.Rational(-3, 7), sympy.Rational(2, 9),
           sympy.Rational(7, 8), sympy.Rational(13, 5), sympy.Rational(41, 10))


@dataclass(frozen=True)
class GradeTask:
    address: str
    text: str
    variant: int = 0  # of the part's question, for a randomised one (grader.batch.variants)


@dataclass(frozen=True)
class SameTask:
    """Are two wrong answers to one part the same function? (for grouping the summary)"""

    address: str
    a: str
    b: str
    variant: int = 0  # both answer this variant of the part's question (`α` names its value)


Task = GradeTask | SameTask


@dataclass(frozen=True)
class Graded:
    result: Result
    fingerprint: tuple[str, ...] | None  # values at fixed points, for wrong expressions and numbers


Handler = Callable[[Sheet, Task, float], "Graded | bool"]


def handle(sheet: Sheet, task: Task, seconds: float) -> Graded | bool:
    """Run one task with a budget of `seconds` (a fingerprint gets FINGERPRINT_SECONDS more)."""
    sheet = variants.for_task(sheet, task.address, task.variant)  # its variant; `α` names its value
    if isinstance(task, SameTask):
        return same(sheet, task.address, task.a, task.b, seconds)
    result = grade(sheet, task.address, task.text, seconds=seconds)
    wanted = result.status == "incorrect" and sheet.part(task.address).kind in ("expression", "number")
    return Graded(result, fingerprint(sheet, task.address, task.text) if wanted else None)


def _expr(sheet: Sheet, address: str, text: str) -> tuple[sympy.Basic, list[sympy.Symbol]]:
    numeric = sheet.part(address).kind == "number"
    ctx = sheet.parse_context(variables=()) if numeric else sheet.parse_context()
    variables = [] if numeric else [symbol(v) for v in sheet.variables]
    return sheet.expand(parse(text, ctx).expr), variables


def fingerprint(sheet: Sheet, address: str, text: str) -> tuple[str, ...] | None:
    """The answer's values at a few fixed exact points, rounded: equal answers share it, so it
    buckets wrong answers cheaply; `same` then confirms each bucket exactly. None if it fails."""
    try:
        with limits.time_limit(FINGERPRINT_SECONDS):
            expr, variables = _expr(sheet, address, text)
            if not variables:
                return (_rounded(evaluate_at(expr, {}, digits=FINGERPRINT_DIGITS + 8)),)
            values = []
            for i, at in enumerate(_POINTS):
                point = {v: at + sympy.Rational(j, 3) * (i + 1) for j, v in enumerate(variables)}
                values.append(_rounded(evaluate_at(expr, point, digits=FINGERPRINT_DIGITS + 8)))
            return tuple(values)
    except (GraderError, ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, MemoryError):
        return None


def _rounded(value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value  # "undefined", "overflow", "unknown"
    if not number:
        return "0"
    rounded = Context(prec=FINGERPRINT_DIGITS)
    return str(rounded.plus(number).normalize(rounded))  # 13.69 and 13.6900000000 are one value


def same(sheet: Sheet, address: str, a: str, b: str, seconds: float) -> bool:
    """Whether two answers are equal as real functions (by the grader's own equivalence)."""
    try:
        with limits.time_limit(seconds):
            first, variables = _expr(sheet, address, a)
            second, _ = _expr(sheet, address, b)
            return compare(first, second, variables, mode="both").verdict == "equivalent"
    except (GraderError, ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, MemoryError):
        return False
