"""Per-part statistics, and the class's wrong answers grouped by equivalence.

Grouping never evaluates anything in this (the parent) process. Workers already computed, for
each wrong expression, a fingerprint (its values at fixed points); answers are bucketed by the
known mistake they match, else by fingerprint, else by their text. Answers that share a
fingerprint are then confirmed equal with the grader's `compare`, again in workers (`same`), and
any that are not split off into their own group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from grader.batch.model import STATUSES, PartSummary, Row, UnreadableAnswer, WrongGroup
from grader.batch.worker import Graded, SameTask

# Answers to one task, as the pool returns them: Graded, or anything else when grading failed.
Confirm = Callable[[list[SameTask]], list[bool]]
Key = tuple[str, str]  # (part address, answer text)


def summarize(
    parts: Sequence[tuple[str, float]], rows: Sequence[Row], graded: Mapping[Key, object], confirm: Confirm
) -> tuple[PartSummary, ...]:
    readable = [r for r in rows if r.readable]
    wrong: dict[str, Counter[str]] = {address: Counter() for address, _ in parts}
    invalid: dict[str, Counter[str]] = {address: Counter() for address, _ in parts}
    counts: dict[str, Counter[str]] = {address: Counter() for address, _ in parts}
    points: dict[str, float] = {address: 0.0 for address, _ in parts}
    refused: dict[Key, str] = {}  # answers not graded (a LaTeX command eaten by an escape) and why
    for row in readable:
        for a in row.answers:
            counts[a.address][a.status] += 1
            points[a.address] += a.points
            if a.text is not None and a.status == "incorrect":
                wrong[a.address][a.text] += 1
            elif a.text is not None and a.status == "invalid":
                invalid[a.address][a.text] += 1
                if a.result is None and a.error:
                    refused[(a.address, a.text)] = a.error
    groups = _groups({address: wrong[address] for address, _ in parts}, graded, confirm)
    return tuple(
        PartSummary(
            address=address,
            points=max_points,
            counts={s: counts[address][s] for s in STATUSES},
            mean=round(points[address] / len(readable), 6) if readable else 0.0,
            wrong=groups[address],
            unreadable=tuple(
                UnreadableAnswer(text, n, refused.get((address, text)) or _result_words(graded.get((address, text))))
                for text, n in _by_count(invalid[address])
            ),
        )
        for address, max_points in parts
    )


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    """Most common first; ties by the shorter text, then alphabetically: stable across runs."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))


def _groups(
    wrong: Mapping[str, Counter[str]], graded: Mapping[Key, object], confirm: Confirm
) -> dict[str, tuple[WrongGroup, ...]]:
    buckets: dict[tuple[str, str, str], list[str]] = {}
    for address, counter in wrong.items():
        for text, _ in _by_count(counter):
            buckets.setdefault((address, *_bucket(text, graded.get((address, text)))), []).append(text)
    unconfirmed = [(address, texts) for (address, kind, _), texts in buckets.items() if kind == "fingerprint"]
    settled = [(address, texts) for (address, kind, _), texts in buckets.items() if kind != "fingerprint"]
    settled += _confirmed(unconfirmed, confirm)
    out: dict[str, list[WrongGroup]] = {address: [] for address in wrong}
    for address, texts in settled:
        forms = tuple((t, wrong[address][t]) for t in texts)
        first = graded.get((address, texts[0]))
        result = first.result if isinstance(first, Graded) else None
        out[address].append(WrongGroup(forms, (result.mistake or "") if result else "", _result_words(first)))
    return {
        address: tuple(sorted(groups, key=lambda g: (-g.count, len(g.forms[0][0]), g.forms[0][0])))
        for address, groups in out.items()
    }


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


def _confirmed(buckets: list[tuple[str, list[str]]], confirm: Confirm) -> list[tuple[str, list[str]]]:
    """Split fingerprint buckets into groups of answers proved equal to the bucket's first one."""
    done: list[tuple[str, list[str]]] = []
    pending = buckets
    while pending:
        done += [(address, texts) for address, texts in pending if len(texts) == 1]
        several = [(address, texts) for address, texts in pending if len(texts) > 1]
        verdicts = iter(confirm([SameTask(address, texts[0], t) for address, texts in several for t in texts[1:]]))
        pending = []
        for address, texts in several:
            same: list[str] = [texts[0]]
            other: list[str] = []
            for text in texts[1:]:
                (same if next(verdicts) is True else other).append(text)
            done.append((address, same))
            if other:
                pending.append((address, other))
    return done


def _result_words(output: object) -> str:
    return output.result.feedback if isinstance(output, Graded) else ""
