"""Per-part statistics, and the class's wrong answers grouped by equivalence.

Grouping never evaluates anything in this (the parent) process: `grader.grading.wrong_answers`
buckets the answers by the mistake they match, else by the fingerprint workers computed when they
graded them, else by their text, and confirms each fingerprint bucket with `same` in workers
(SameTask). On a randomised sheet all of this is per variant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from grader.batch.model import STATUSES, PartSummary, Row, UnreadableAnswer, WrongGroup
from grader.batch.worker import Graded, SameTask
from grader.grading import wrong_answers

# Answers to one task, as the pool returns them: Graded, or anything else when grading failed.
Confirm = Callable[[list[SameTask]], list[bool]]
Key = tuple[str, str, int]  # (part address, answer text, variant index), as grade_paths grades them
Slot = tuple[str, int]  # (part address, variant index): wrong answers are grouped within one slot only


def summarize(
    parts: Sequence[tuple[str, float]], rows: Sequence[Row], graded: Mapping[Key, object], confirm: Confirm
) -> tuple[PartSummary, ...]:
    """Per part: counts, mean, wrong answers grouped per variant (an answer right for one variant
    is wrong for another, and a mistake's words name the variant's values), invalid answers."""
    readable = [r for r in rows if r.readable]
    wrong: dict[Slot, Counter[str]] = {}
    labels: dict[Slot, str] = {}
    invalid: dict[str, Counter[str]] = {address: Counter() for address, _ in parts}
    invalid_output: dict[tuple[str, str], object] = {}
    counts: dict[str, Counter[str]] = {address: Counter() for address, _ in parts}
    points: dict[str, float] = {address: 0.0 for address, _ in parts}
    refused: dict[tuple[str, str], str] = {}  # answers not graded (a LaTeX command eaten by an escape) and why
    for row in readable:
        for a in row.answers:
            counts[a.address][a.status] += 1
            points[a.address] += a.points
            if a.text is not None and a.status == "incorrect":
                slot = (a.address, a.variant)
                wrong.setdefault(slot, Counter())[a.text] += 1
                labels.setdefault(slot, row.variant_of(a.address))
            elif a.text is not None and a.status == "invalid":
                invalid[a.address][a.text] += 1
                invalid_output.setdefault((a.address, a.text), graded.get((a.address, a.text, a.variant)))
                if a.result is None and a.error:
                    refused[(a.address, a.text)] = a.error
    groups = _groups({slot: wrong[slot] for slot in sorted(wrong)}, labels, graded, confirm)
    return tuple(
        PartSummary(
            address=address,
            points=max_points,
            counts={s: counts[address][s] for s in STATUSES},
            mean=round(points[address] / len(readable), 6) if readable else 0.0,
            wrong=groups.get(address, ()),
            unreadable=tuple(
                UnreadableAnswer(text, n, refused.get((address, text))
                                 or _result_words(invalid_output.get((address, text))))
                for text, n in wrong_answers.by_count(invalid[address])
            ),
        )
        for address, max_points in parts
    )


def _groups(
    wrong: Mapping[Slot, Counter[str]], labels: Mapping[Slot, str], graded: Mapping[Key, object], confirm: Confirm
) -> dict[str, tuple[WrongGroup, ...]]:
    """address -> its groups: by variant (in variant order), then most common first."""
    def confirm_pairs(pairs: list[tuple[Slot, str, str]]) -> list[bool]:
        return confirm([SameTask(slot[0], a, b, slot[1]) for slot, a, b in pairs])

    grouped = wrong_answers.group(wrong, lambda slot, text: _found(graded.get((slot[0], text, slot[1]))),
                                  confirm_pairs)
    by_address: dict[str, list[WrongGroup]] = {}
    for slot in sorted(grouped):
        for texts in grouped[slot]:
            forms = tuple((t, wrong[slot][t]) for t in texts)
            first = graded.get((slot[0], texts[0], slot[1]))
            result = first.result if isinstance(first, Graded) else None
            mistake = (result.mistake or "") if result else ""
            by_address.setdefault(slot[0], []).append(
                WrongGroup(forms, mistake, _result_words(first), labels.get(slot, ""),
                           result is not None and result.decided_by == "diagnosis"))
    return {address: tuple(groups) for address, groups in by_address.items()}


def _found(output: object) -> wrong_answers.Found | None:
    if not isinstance(output, Graded):
        return None
    result = output.result
    return wrong_answers.Found(result.mistake, output.fingerprint, result.interpreted, result.decided_by)


def _result_words(output: object) -> str:
    return output.result.feedback if isinstance(output, Graded) else ""
