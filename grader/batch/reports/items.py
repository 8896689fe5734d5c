"""A graded batch's item analysis (grader.grading.item_analysis) over the submissions that count:
one per student, readable (`Batch.counted`), as summary.md's means."""

from __future__ import annotations

from grader.batch.model import Batch
from grader.grading.item_analysis import ItemAnalysis, PartAnswers, analyse, unused_mistakes


def batch_analysis(batch: Batch) -> ItemAnalysis:
    rows = batch.counted
    parts = []
    for i, (address, points) in enumerate(batch.parts):
        answers = [row.answers[i] for row in rows]
        summary = next((s for s in batch.summaries if s.address == address), None)
        groups = sorted(summary.wrong, key=lambda g: -g.count) if summary is not None else []
        top = (groups[0].count, groups[0].forms[0][0]) if groups else None
        top_variant = groups[0].variant if groups else ""
        matched = [(row.seed, a.result.mistake) for row, a in zip(rows, answers, strict=True)
                   if a.result is not None and a.result.mistake]
        unused = unused_mistakes(batch.sheet, address, matched) if batch.sheet is not None and rows else ()
        parts.append(PartAnswers(address, points, tuple(a.points for a in answers), tuple(a.status for a in answers),
                                 top, unused, tuple(row.variant_of(address) for row in rows), top_variant))
    return analyse(parts)
