"""Naming some of a sheet: question ids, groups (relu.b) or parts, matched to the parts they cover.
`grader practice -q`, `grader show` and the notebook's `show` and `practice` read names this way."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from grader.core.errors import UsageError
from grader.sheets.model import Part, Question, Sheet

Plan = list[tuple[Question, tuple[Part, ...]]]


def select(sheet: Sheet, wanted: Iterable[str] = ()) -> Plan:
    """The questions and parts named by `wanted` (question ids, groups such as relu.b, or parts), in
    sheet order; everything when `wanted` is empty. Raises UsageError for a name that matches nothing."""
    names = list(wanted)
    for name in names:
        if not any(covers(name, p.address) for p in sheet.parts.values()):
            known = [q.id for q in sheet.questions] + list(sheet.parts)
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            questions = ", ".join(q.id for q in sheet.questions)
            fix = f"did you mean `{close[0]}`?" if close else f"questions: {questions}"
            raise UsageError(f"no question or part `{name}` in sheet `{sheet.id}`", fix)
    plan: Plan = []
    for question in sheet.questions:
        parts = tuple(p for p in question.parts if not names or any(covers(n, p.address) for n in names))
        if parts:
            plan.append((question, parts))
    return plan


def covers(name: str, address: str) -> bool:
    """`name` is the part `address` or a question or group above it."""
    return address == name or address.startswith(name + ".")
