"""Students with more than one file: which one the LMS files count (`grader grade --duplicates`).

- `error` (the default): none. An LMS import of two rows for one id keeps one of them, and which
  one is up to the LMS; so the LMS files are not written and the colliding ids are named.
- `latest`: the one handed in last: by the submission's own time where it has one (a `submitted:`
  key, a CSV's timestamp column), else by the file's modification time (ties: the later path).
  Which times were compared is said for each file not counted.
- `best`: the file with the highest total (ties: the latest).

A file that answers another sheet than the batch grades is not an answer to this one: with either
policy, a student's other file counts before it.

grades.csv, results.json and summary.md always list every file; a file not counted says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from grader.batch import times
from grader.batch.model import Row

Policy = Literal["error", "latest", "best"]
POLICIES: tuple[Policy, ...] = ("error", "latest", "best")


@dataclass(frozen=True)
class Counted:
    rows: tuple[Row, ...]  # the rows the LMS files hold: one per student, sorted by student
    collisions: tuple[tuple[str, tuple[str, ...]], ...]  # policy `error`: (student, its files)
    dropped: Mapping[str, str] = field(default_factory=dict)  # file not counted -> the file counted instead
    why: Mapping[str, str] = field(default_factory=dict)  # file not counted -> why the other one counts


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
    why: dict[str, str] = {}
    for student in sorted(by_student):
        found = by_student[student]
        best = max(found, key=lambda r: (not r.foreign, _time(r), r.file) if policy == "latest"
                   else (not r.foreign, r.total, _time(r), r.file))
        kept.append(best)
        for row in found:
            if row is not best:
                dropped[row.file] = best.file
                why[row.file] = _later(best, row) if policy == "latest" else _better(best, row)
    return Counted(tuple(kept), (), dropped, why)


def _time(row: Row) -> float:
    return row.submitted if row.submitted is not None else row.modified


def _later(best: Row, row: Row) -> str:
    if row.foreign and not best.foreign:
        return "this file answers another sheet"
    """Which times were compared: `handed in later: 2026-12-07 09:15 (column `Timestamp`), this one ...`."""
    if _time(best) == _time(row):
        return f"handed in at the same time, {_when(best)}: the later file name counts"
    return f"handed in later: {_when(best)}, this one {_when(row)}"


def _better(best: Row, row: Row) -> str:
    if row.foreign and not best.foreign:
        return "this file answers another sheet"
    if best.total > row.total:
        return f"a higher total: {best.total:g}, this one {row.total:g}"
    return f"the same total, {best.total:g}; {_later(best, row)}"


def _when(row: Row) -> str:
    if row.submitted is not None:
        return row.when
    return f"{times.shown(row.modified)} (file modification time)" if row.modified else "no time (none known)"
