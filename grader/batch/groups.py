"""Per-part statistics, and the class's wrong answers grouped by equivalence.

Grouping never evaluates anything in this (the parent) process. Workers already computed, for
each wrong expression, a fingerprint (its values at fixed points); answers are bucketed by the
known mistake they match, else by fingerprint, else by their text. Answers that share a
fingerprint are then confirmed equal with the grader's `compare`, again in workers (`same`), and
any that are not split off into their own group. On a randomised sheet all of this is per variant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from grader.batch.model import STATUSES, PartSummary, Row, UnreadableAnswer, WrongGroup
from grader.batch.worker import Graded, SameTask

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
                for text, n in _by_count(invalid[address])
            ),
        )
        for address, max_points in parts
    )


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    """Most common first; ties by the shorter text, then alphabetically: stable across runs."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))


def _groups(
    wrong: Mapping[Slot, Counter[str]], labels: Mapping[Slot, str], graded: Mapping[Key, object], confirm: Confirm
) -> dict[str, tuple[WrongGroup, ...]]:
    """address -> its groups: by variant (in variant order), then most common first."""
    buckets: dict[tuple[Slot, str, str], list[str]] = {}
    for slot, counter in wrong.items():
        for text, _ in _by_count(counter):
            buckets.setdefault((slot, *_bucket(text, graded.get((slot[0], text, slot[1])))), []).append(text)
    unconfirmed = [(slot, texts) for (slot, kind, _), texts in buckets.items() if kind == "fingerprint"]
    settled = [(slot, texts) for (slot, kind, _), texts in buckets.items() if kind != "fingerprint"]
    settled += _confirmed(unconfirmed, confirm)
    out: dict[Slot, list[WrongGroup]] = {slot: [] for slot in wrong}
    for slot, texts in settled:
        forms = tuple((t, wrong[slot][t]) for t in texts)
        first = graded.get((slot[0], texts[0], slot[1]))
        result = first.result if isinstance(first, Graded) else None
        mistake = (result.mistake or "") if result else ""
        out[slot].append(WrongGroup(forms, mistake, _result_words(first), labels.get(slot, "")))
    by_address: dict[str, list[WrongGroup]] = {}
    for slot in sorted(out):
        by_address.setdefault(slot[0], []).extend(
            sorted(out[slot], key=lambda g: (-g.count, len(g.forms[0][0]), g.forms[0][0])))
    return {address: tuple(groups) for address, groups in by_address.items()}


def _bucket(text: str, output: object) -> tuple[str, str]:
    if not isinstance(output, Graded):
        return ("text", text)
    if output.result.mistake:  # the grader already matched it to a known mistake by equivalence
        return ("mistake", output.result.mistake)
    if output.fingerprint is not None:
        return ("fingerprint", "\x1f".join(output.fingerprint))
    if output.result.interpreted is not None and output.result.decided_by in ("choice", "mistake"):
        return ("choice", output.result.interpreted)  # `Yes` and `yes` are one choice
    return ("text", "\n".join(line.strip() for line in text.strip().splitlines() if line.strip()))


def _confirmed(buckets: list[tuple[Slot, list[str]]], confirm: Confirm) -> list[tuple[Slot, list[str]]]:
    """Split fingerprint buckets into groups of answers proved equal to the bucket's first one."""
    done: list[tuple[Slot, list[str]]] = []
    pending = buckets
    while pending:
        done += [(slot, texts) for slot, texts in pending if len(texts) == 1]
        several = [(slot, texts) for slot, texts in pending if len(texts) > 1]
        tasks = [SameTask(slot[0], texts[0], t, slot[1]) for slot, texts in several for t in texts[1:]]
        verdicts = iter(confirm(tasks))
        pending = []
        for slot, texts in several:
            same: list[str] = [texts[0]]
            other: list[str] = []
            for text in texts[1:]:
                (same if next(verdicts) is True else other).append(text)
            done.append((slot, same))
            if other:
                pending.append((slot, other))
    return done


def _result_words(output: object) -> str:
    return output.result.feedback if isinstance(output, Graded) else ""
