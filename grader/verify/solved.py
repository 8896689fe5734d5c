"""Which sheet a worked-solutions file solves, named as `grader verify` says it. No sympy: a warm
`grader verify` finds it to check that a recorded result still holds (grader.verify.cache)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from grader.sheets.course import find_sheet


def sheet_for(path: Path, sheet_id: str, known: Mapping[str, Path] | None = None) -> str | None:
    """The file of the sheet `sheet_id` that the solutions at `path` solve (grader.sheets.course.find_sheet:
    among the files checked, beside, or bundled), named as the author would (relative to the working
    folder when inside it) so that its problems read like those of `grader verify` on it."""
    found = find_sheet(path, sheet_id, known)
    if found is None:
        return None
    if known and known.get(sheet_id) == found:
        return str(found)
    try:
        return str(found.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(found)
