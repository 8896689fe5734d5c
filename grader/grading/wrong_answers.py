"""A class's wrong answers to a part grouped by equivalence: `summary.md` (batch) and the instructor
page (serve) group them alike, with this.

Cheap first, exact after. Each wrong answer is bucketed by the known mistake the grader matched
(by equivalence), else by its fingerprint (values at fixed exact points, computed where it was
graded), else by the choice or the text read. Answers that share a fingerprint are then confirmed
equal to the bucket's first one with `same` through a `confirm` callback, which the front ends run
in worker processes; those not proved equal split off and are confirmed among themselves. The
grouping itself evaluates nothing: only `fingerprint` and `same` run student text, in workers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import TypeVar

import sympy

from grader.core import limits
from grader.core.errors import GraderError
from grader.equivalence import compare, evaluate_at
from grader.parsing import parse, symbol
from grader.sheets.model import Sheet
from grader.sheets.variants import narrowed

FINGERPRINT_SECONDS = 0.5  # grouping is a convenience: never let it cost more than grading
FINGERPRINT_DIGITS = 12
# Exact points away from the kinks and poles of the usual answers (0, ±1, ±π/2, ...).
_POINTS = (sympy.Rational(-37, 10), sympy.Rational(-6, 5), sympy.Rational(-3, 7), sympy.Rational(2, 9),
           sympy.Rational(7, 8), sympy.Rational(13, 5), sympy.Rational(41, 10))
_FAILURES = (GraderError, ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, MemoryError)

Slot = TypeVar("Slot")  # whose answers may share a group: one part (of one variant)


@dataclass(frozen=True)
class Found:
    """What grading found about one wrong answer: all that grouping needs of it."""

    mistake: str | None = None  # the known mistake it matched
    fingerprint: tuple[str, ...] | None = None
    interpreted: str | None = None
    decided_by: str = ""


def group(
    wrong: Mapping[Slot, Counter[str]],
    found: Callable[[Slot, str], Found | None],
    confirm: Callable[[list[tuple[Slot, str, str]]], list[bool]],
) -> dict[Slot, list[list[str]]]:
    """Per slot (in `wrong`'s order), its wrong answers' texts in groups: most common group first,
    each group's most common text first. `found(slot, text)` is None for an answer never graded;
    `confirm([(slot, a, b), ...])` says for each pair whether `same` proved a and b equal."""
    buckets: dict[tuple[Slot, str, str], list[str]] = {}
    for slot, counter in wrong.items():
        for text, _ in by_count(counter):
            buckets.setdefault((slot, *bucket(text, found(slot, text))), []).append(text)
    unconfirmed = [(slot, texts) for (slot, kind, _), texts in buckets.items() if kind == "fingerprint"]
    settled = [(slot, texts) for (slot, kind, _), texts in buckets.items() if kind != "fingerprint"]
    settled += _confirmed(unconfirmed, confirm)
    out: dict[Slot, list[list[str]]] = {slot: [] for slot in wrong}
    for slot, texts in settled:
        out[slot].append(texts)
    for slot, groups in out.items():
        count = wrong[slot]
        groups.sort(key=lambda texts: (-sum(count[t] for t in texts), len(texts[0]), texts[0]))
    return out


def by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    """Most common first; ties by the shorter text, then alphabetically: stable across runs."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))


def bucket(text: str, found: Found | None) -> tuple[str, str]:
    if found is None:
        return ("text", text)
    if found.mistake:  # the grader already matched it to a known mistake by equivalence
        return ("mistake", found.mistake)
    if found.fingerprint is not None:
        return ("fingerprint", "\x1f".join(found.fingerprint))
    if found.interpreted is not None and found.decided_by in ("choice", "mistake"):
        return ("choice", found.interpreted)  # `Yes` and `yes` are one choice
    return ("text", "\n".join(line.strip() for line in text.strip().splitlines() if line.strip()))


def _confirmed(
    buckets: list[tuple[Slot, list[str]]], confirm: Callable[[list[tuple[Slot, str, str]]], list[bool]]
) -> list[tuple[Slot, list[str]]]:
    """Split fingerprint buckets into groups of answers proved equal to the bucket's first one."""
    done: list[tuple[Slot, list[str]]] = []
    pending = buckets
    while pending:
        done += [(slot, texts) for slot, texts in pending if len(texts) == 1]
        several = [(slot, texts) for slot, texts in pending if len(texts) > 1]
        pairs = [(slot, texts[0], t) for slot, texts in several for t in texts[1:]]
        verdicts = iter(confirm(pairs) if pairs else [])
        pending = []
        for slot, texts in several:
            proved: list[str] = [texts[0]]
            other: list[str] = []
            for text in texts[1:]:
                (proved if next(verdicts) is True else other).append(text)
            done.append((slot, proved))
            if other:
                pending.append((slot, other))
    return done


# --- in worker processes: these run student text ------------------------------------------------


def _expr(sheet: Sheet, address: str, text: str) -> tuple[sympy.Basic, list[sympy.Symbol]]:
    numeric = sheet.part(address).kind == "number"
    sheet = narrowed(sheet, address)  # a question's own `variables:`
    ctx = sheet.parse_context(variables=()) if numeric else sheet.parse_context()
    variables = [] if numeric else [symbol(v) for v in sheet.variables]
    return sheet.expand(parse(text, ctx).expr), variables


def fingerprint(sheet: Sheet, address: str, text: str) -> tuple[str, ...] | None:
    """The answer's values at a few fixed exact points, rounded: equal answers share it, so it
    buckets wrong answers cheaply; `same` then confirms each bucket exactly. None if it fails.
    `sheet` is the answer's variant of the sheet, scoped to it (`α` names its value)."""
    try:
        with limits.time_limit(FINGERPRINT_SECONDS):
            expr, variables = _expr(sheet, address, text)
            return values(expr, variables)
    except _FAILURES:
        return None


def values(expr: sympy.Basic, variables: list[sympy.Symbol], count: int = len(_POINTS)) -> tuple[str, ...]:
    """An expression's values at the first `count` fixed exact points, rounded (raises what evaluation raises)."""
    if not variables:
        return (_rounded(evaluate_at(expr, {}, digits=FINGERPRINT_DIGITS + 8)),)
    found = []
    for i, at in enumerate(_POINTS[:count]):
        point = {v: at + sympy.Rational(j, 3) * (i + 1) for j, v in enumerate(variables)}
        found.append(_rounded(evaluate_at(expr, point, digits=FINGERPRINT_DIGITS + 8)))
    return tuple(found)


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
    except _FAILURES:
        return False
