"""The instructor page's figures: per part, how many students attempted it, got it right, their mean
score, and the most common wrong answers.

Wrong answers are grouped as batch grading's first pass does, from what grading already found (no
maths runs here): by the known mistake the grader matched by equivalence, else by the form the
grader read (`x*2` and `2 x` are one group), else by the text; within one variant only, since an
answer right for one variant is wrong for another. Unlike `summary.md`, two answers that are equal
but read differently (`2x` and `x+x`) are not proved equal and stay apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

TOP = 5  # wrong-answer groups shown per part


@dataclass(frozen=True)
class Row:
    student: str
    sheet: str
    part: str
    variant: str
    answer: str
    status: str
    points: float
    result: dict[str, Any]


def _key(row: Row) -> tuple[str, str]:
    if row.result.get("mistake"):
        return ("mistake", str(row.result["mistake"]))
    if row.result.get("interpreted"):
        return ("read", str(row.result["interpreted"]))
    return ("text", " ".join(row.answer.split()))


def summary(rows: list[Row]) -> list[dict[str, Any]]:
    """One entry per (sheet, part) that has attempts, in sheet and part order of first appearance."""
    parts: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.status != "invalid":  # an unreadable answer costs no attempt
            parts.setdefault((row.sheet, row.part), []).append(row)
    shown = []
    for (sheet, part), answers in parts.items():
        best: dict[str, float] = {}
        right: set[str] = set()
        groups: dict[tuple[str, str, str], Counter[str]] = {}
        words: dict[tuple[str, str, str], str] = {}
        for row in answers:
            best[row.student] = max(best.get(row.student, 0.0), row.points)
            if row.status == "correct":
                right.add(row.student)
            elif row.status == "incorrect":
                key = (row.variant, *_key(row))
                groups.setdefault(key, Counter())[row.answer.strip()] += 1
                words.setdefault(key, str(row.result.get("feedback", "")))
        ranked = sorted(groups.items(), key=lambda kv: (-kv[1].total(), kv[0]))[:TOP]
        shown.append({
            "sheet": sheet, "part": part, "attempted": len(best), "correct": len(right),
            "mean": round(sum(best.values()) / len(best), 3),
            "wrong": [{"count": forms.total(), "variant": key[0], "feedback": words[key],
                       "forms": [text for text, _ in forms.most_common(3)]} for key, forms in ranked],
        })
    return shown
