"""The instructor page's figures: per part, how many students attempted it, got it right, their mean
best score, and the most common wrong answers grouped by equivalence.

The grouping is `summary.md`'s (grader.grading.wrong_answers): by the known mistake matched, else by
the fingerprint the worker computed when it graded the answer (`2x` and `x+x` share one), each such
bucket confirmed pair by pair with `same` in a worker; within one variant only, since an answer
right for one variant is wrong for another. A pair not proved equal (its confirm timed out or
failed) stays apart. `Pairs` keeps every decision for the server's life, so a refresh confirms only
pairs it has not seen.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.grading import wrong_answers
from grader.grading.item_analysis import ItemAnalysis, PartAnswers, analyse, unused_mistakes

if TYPE_CHECKING:
    from grader.sheets.model import Sheet

TOP = 5  # wrong-answer groups shown per part
TOO_SLOW = ("budget", "internal-error")  # an answer not checked in time: no answer (serve/export.py)
FORMS = 3  # spellings shown per group

Slot = tuple[str, str, str]  # (sheet, part, variant label): answers that may share a group
# Whether a worker proved two answers to a slot equal, answering as the student with that seed
# does; None when it could not be asked now (no worker free): not remembered, asked again next time.
Decide = Callable[[Slot, int, str, str], bool | None]


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
    seed: int = 0  # the student's variants


class Pairs:
    """Every pair decision, keyed by (sheet, part, variant, text a, text b). Not a core.caches cache:
    a timed-out confirm is remembered as "not proved", which is not a pure function of the key."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, str, str, str], bool] = {}
        self._lock = threading.Lock()

    def confirm(self, pairs: list[tuple[Slot, str, str]], seeds: Mapping[Slot, int], decide: Decide) -> list[bool]:
        # One refresh confirms at a time: a second waits, then finds the first one's decisions here.
        with self._lock:
            verdicts = []
            for slot, a, b in pairs:
                key = (*slot, a, b)
                if key not in self._known:
                    proved = decide(slot, seeds[slot], a, b)
                    if proved is None:
                        verdicts.append(False)
                        continue
                    self._known[key] = proved
                verdicts.append(self._known[key])
            return verdicts


def _found(result: Mapping[str, Any], fingerprint: tuple[str, ...] | None) -> wrong_answers.Found:
    mistake, interpreted = result.get("mistake"), result.get("interpreted")
    return wrong_answers.Found(str(mistake) if mistake else None, fingerprint,
                               None if interpreted is None else str(interpreted), str(result.get("decided_by", "")))


@dataclass(frozen=True)
class Grouping:
    """The class's wrong attempts grouped by equivalence, per slot: each group's texts, most common first."""

    groups: Mapping[Slot, list[list[str]]]
    wrong: Mapping[Slot, Counter[str]]  # every wrong attempt's text, counted
    first: Mapping[tuple[Slot, str], Row]  # the oldest row of each wrong text: its feedback is shown


def group_wrong(rows: list[Row], pairs: Pairs, decide: Decide) -> Grouping:
    wrong: dict[Slot, Counter[str]] = {}
    first: dict[tuple[Slot, str], Row] = {}
    prints: dict[tuple[Slot, str], tuple[str, ...]] = {}
    seeds: dict[Slot, int] = {}
    for row in rows:
        if row.status == "incorrect":
            slot, text = (row.sheet, row.part, row.variant), row.answer.strip()
            wrong.setdefault(slot, Counter())[text] += 1
            first.setdefault((slot, text), row)
            seeds.setdefault(slot, row.seed)
            if row.result.get("fingerprint") is not None:  # one missing (the worker ran out of time) need not split
                prints.setdefault((slot, text), tuple(str(v) for v in row.result["fingerprint"]))
    grouped = wrong_answers.group(
        wrong, lambda slot, text: _found(first[(slot, text)].result, prints.get((slot, text))),
        lambda asked: pairs.confirm(asked, seeds, decide))
    return Grouping(grouped, wrong, first)


def summary(rows: list[Row], pairs: Pairs, decide: Decide, grouping: Grouping | None = None) -> list[dict[str, Any]]:
    """One entry per (sheet, part) that has attempts, in sheet and part order of first appearance."""
    parts: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.status != "invalid":  # an unreadable answer costs no attempt
            parts.setdefault((row.sheet, row.part), []).append(row)
    grouping = grouping or group_wrong(rows, pairs, decide)
    grouped, wrong, first = grouping.groups, grouping.wrong, grouping.first
    shown = []
    for (sheet, part), answers in parts.items():
        best: dict[str, float] = {}
        right: set[str] = set()
        for row in answers:
            best[row.student] = max(best.get(row.student, 0.0), row.points)
            if row.status == "correct":
                right.add(row.student)
        groups = [(slot, texts, sum(wrong[slot][t] for t in texts))
                  for slot, found in grouped.items() if slot[:2] == (sheet, part) for texts in found]
        groups.sort(key=lambda g: (-g[2], len(g[1][0]), g[1][0], g[0][2]))
        shown.append({
            "sheet": sheet, "part": part, "attempted": len(best), "correct": len(right),
            "mean": round(sum(best.values()) / len(best), 3),
            "wrong": [{"count": count, "variant": slot[2],
                       "feedback": str(first[(slot, texts[0])].result.get("feedback", "")),
                       "forms": texts[:FORMS]} for slot, texts, count in groups[:TOP]],
        })
    return shown


def students(roster: list[tuple[str, str]], rows: list[Row]) -> list[dict[str, Any]]:
    """Each class member by roster id and name: the parts they answered and their points (the best
    attempt of each part, as their score table and the export count them)."""
    best: dict[str, dict[tuple[str, str], float]] = {}
    for row in rows:
        mine = best.setdefault(row.student, {})
        mine[(row.sheet, row.part)] = max(mine.get((row.sheet, row.part), 0.0), row.points)
    return [{"id": student, "name": name, "parts": len(best.get(student, {})),
             "points": round(sum(best.get(student, {}).values()), 3)} for student, name in roster]


def counting(rows: list[Row], sheet_id: str) -> dict[str, dict[str, Row]]:
    """student -> part -> the attempt that counts, as `grader grade --db` exports it (serve/export.py):
    the best-scored; of equals a readable one, then the last; never one the server could not check
    in time (the student was told so; it is no answer)."""
    best: dict[str, dict[str, tuple[tuple[float, int, int], Row]]] = {}
    for order, row in enumerate(rows):
        if row.sheet != sheet_id or (row.status == "invalid" and row.result.get("decided_by") in TOO_SLOW):
            continue
        rank = (row.points, int(row.status != "invalid"), order)
        mine = best.setdefault(row.student, {})
        if row.part not in mine or rank > mine[row.part][0]:
            mine[row.part] = (rank, row)
    return {student: {part: row for part, (_, row) in parts.items()} for student, parts in best.items()}


def _first(texts: Counter[str]) -> tuple[int, str]:
    text = wrong_answers.by_count(texts)[0][0]
    return len(text), text


def items(sheet: Sheet, roster: list[str], rows: list[Row], grouping: Grouping) -> ItemAnalysis:
    """The item analysis of `sheet` over every class student (`roster`, by id) and the answer of each
    that counts: the figures `grader grade --db` gives in summary.md for the same class."""
    chosen = counting(rows, sheet.id)
    parts = []
    for address, part in sheet.parts.items():
        answers = [chosen.get(student, {}).get(address) for student in roster]
        scores = tuple(row.points if row is not None else 0.0 for row in answers)
        statuses = tuple(row.status if row is not None else "missing" for row in answers)
        texts: dict[tuple[Slot, int], Counter[str]] = {}  # each group's answers that count, by text
        where = {(slot, text): (slot, i) for slot, found in grouping.groups.items() if slot[:2] == (sheet.id, address)
                 for i, group in enumerate(found) for text in group}
        for row in answers:
            if row is not None and row.status == "incorrect":
                key = where.get(((row.sheet, row.part, row.variant), row.answer.strip()))
                if key is not None:
                    texts.setdefault(key, Counter())[row.answer.strip()] += 1
        # The largest group, its most common text: ties broken as grader.batch.groups orders them.
        ranked = [(-sum(c.values()), key[0][2], *_first(c)) for key, c in texts.items()]
        top = (-min(ranked)[0], min(ranked)[3]) if ranked else None
        top_variant = min(ranked)[1] if ranked else ""  # wrong-beats-right counts the right answers of this variant
        matched = [(row.seed, str(row.result["mistake"])) for row in answers
                   if row is not None and row.result.get("mistake")]
        parts.append(PartAnswers(address, part.points, scores, statuses, top,
                                 unused_mistakes(sheet, address, matched) if roster else (),
                                 tuple(row.variant if row is not None else "" for row in answers), top_variant))
    return analyse(parts)
