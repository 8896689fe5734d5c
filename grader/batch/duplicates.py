"""Students with more than one file: which one the LMS files count (`grader grade --duplicates`).

- `error` (the default): none. An LMS import of two rows for one id keeps one of them, and which
  one is up to the LMS; so the LMS files are not written and the colliding ids are named.
- `latest`: the file modified last (ties: the later path).
- `best`: the file with the highest total (ties: the latest).

grades.csv, results.json and summary.md always list every file; a file not counted says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from grader.batch.model import Row

Policy = Literal["error", "latest", "best"]
POLICIES: tuple[Policy, ...] = ("error", "latest", "best")


@dataclass(frozen=True)
class Counted:
    rows: tuple[Row, ...]  # the rows the LMS files hold: one per student, sorted by student
    collisions: tuple[tuple[str, tuple[str, ...]], ...]  # policy `error`: (student, its files)
    dropped: Mapping[str, str] = field(default_factory=dict)  # file not counted -> the file counted instead


def choose(rows: Sequence[Row], policy: Policy) -> Counted:
    by_student: dict[str, list[Row]] = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    several = {s: found for s, found in by_student.items() if len(found) > 1}
    if policy == "error":
        collisions = tuple((s, tuple(r.file for r in found)) for s, found in sorted(several.items()))
        return Counted(tuple(rows), collisions)
    kept: list[Row] = []
    dropped: dict[str, str] = {}
    for student in sorted(by_student):
        found = by_student[student]
        best = max(found, key=lambda r: (r.modified, r.file) if policy == "latest" else (r.total, r.modified, r.file))
        kept.append(best)
        dropped |= {r.file: best.file for r in found if r is not best}
    return Counted(tuple(kept), (), dropped)
