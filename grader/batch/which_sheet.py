"""Which sheet a batch is graded against: --sheet, or the one the files name, found by its id in a
course's `exercises/` (grader.sheets.course) or among the bundled sheets; and the files that answer
another sheet, each told a --sheet that works for it.
"""

from __future__ import annotations

import os
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader import sheets
from grader.batch.submissions import Submission, Unreadable, fit
from grader.core.errors import UsageError
from grader.sheets import course
from grader.sheets.model import Part, Sheet


@dataclass(frozen=True)
class Chosen:
    sheet: Sheet
    source: str  # the course file it came from (`exercises/hw3.yaml`), "" when bundled or given with --sheet
    how: str  # why this sheet, for a file that answers another one
    refs: Mapping[str, str]  # another sheet id the files name -> how to give it with --sheet


def choose_sheet(spec: str | None, items: Sequence[Submission | Unreadable], starts: Sequence[Path],
                  tables: bool) -> Chosen:
    """--sheet when given; else the sheet most files name (found by id in a course's `exercises/`, else
    bundled), a file without `sheet:` counting for the default sheet; CSV rows name none.

    One batch is graded against one sheet: a file that names another sheet is reported for itself
    (see fit_sheet) and never changes how the other files are graded. A sheet the files name that cannot
    be found, as many files for two sheets, or a --sheet that no file answers, is a UsageError:
    grading every file against a sheet they do not answer would give everyone 0.
    """
    subs = [s for s in items if isinstance(s, Submission)]
    named = Counter(s.sheet for s in subs if s.sheet is not None)
    unnamed = sum(1 for s in subs if s.sheet is None)
    if spec is not None:
        sheet, source = _given(spec, starts)
        if named and sheet.id not in named and not unnamed and not tables:
            raise UsageError(f"no file answers sheet `{sheet.id}` (given with --sheet): the files answer "
                             + _counted(named, 0), f"grade them with {_option(next(iter(named)), starts)}")
        return Chosen(sheet, source, "the sheet given with --sheet", _refs(named, sheet.id, starts))
    if not named:
        return Chosen(sheets.load(None), "", "the default sheet: no file names a sheet", {})
    votes = named + Counter({sheets.DEFAULT_SHEET: unnamed})
    (first, n), *rest = votes.most_common()
    if rest and rest[0][1] == n:
        tied = sorted(i for i, c in votes.items() if c == n)
        raise UsageError("the files answer several sheets, as many files each: " + _counted(named, unnamed),
                         "grade each sheet's files apart, e.g. grader grade FILES " + _option(tied[0], starts))
    sheet, source = _named(first, starts)
    how = ("the sheet the files name" if not rest
           else f"the sheet most files answer: {_counted(named, unnamed)}")
    return Chosen(sheet, source, how, _refs(named, sheet.id, starts))


def _given(spec: str, starts: Sequence[Path]) -> tuple[Sheet, str]:
    """--sheet PATH, or --sheet ID of a course sheet or a bundled one."""
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return sheets.load(spec), ""
    found = course.find(spec, starts)
    if found is not None:
        return sheets.load(str(found)), course.shown(found)
    if spec not in _bundled_ids():
        raise _not_found(spec, starts, f"no sheet `{spec}`")
    return sheets.load(spec), ""


def _named(sheet_id: str, starts: Sequence[Path]) -> tuple[Sheet, str]:
    found = course.find(sheet_id, starts)
    if found is not None:
        return sheets.load(str(found)), course.shown(found)
    if sheet_id in _bundled_ids():
        return sheets.load(sheet_id), ""
    raise _not_found(sheet_id, starts, f"the files answer sheet `{sheet_id}`, which cannot be found")


def _not_found(sheet_id: str, starts: Sequence[Path], head: str) -> UsageError:
    bundled = os.path.realpath(sheets.bundled_dir())
    folders = [f for f in course.exercise_folders(starts) if os.path.realpath(f) != bundled]
    held = [f"{course.shown(path)} (id `{found}`)" for folder in folders
            for path, found in course.sheet_ids(folder).items()]
    where = (f"searched {', '.join(course.shown(f) + '/' for f in folders)}" if folders
             else "there is no `exercises/` folder here or above the submissions")
    hint = ("give the file that holds it with --sheet, e.g. --sheet path/to/the-sheet.yaml, or grade from the "
            "course folder whose exercises/ holds it")
    if held:
        hint += f". Sheets found: {', '.join(held[:10])}" + (f" and {len(held) - 10} more" if len(held) > 10 else "")
    hint += f". Bundled sheets: {', '.join(sorted(_bundled_ids()))}"
    return UsageError(f"{head}: it is not bundled, and no sheet file in a course's `exercises/` has that id "
                      f"({where})", hint)


def _refs(counts: Mapping[str, int], chosen: str, starts: Sequence[Path]) -> dict[str, str]:
    return {other: _option(other, starts) for other in counts if other != chosen}


def _option(sheet_id: str, starts: Sequence[Path]) -> str:
    """How to give a sheet the files name with --sheet, so that the command works as printed."""
    found = course.find(sheet_id, starts)
    if found is not None:
        return f"--sheet {shlex.quote(course.shown(found))}"
    if sheet_id in _bundled_ids():
        return f"--sheet {sheet_id}"
    return f"--sheet PATH (the file of sheet `{sheet_id[:40]}`: it is neither bundled nor in an exercises/ folder)"


def _counted(named: Mapping[str, int], unnamed: int) -> str:
    """`nn-derivs` (12 files), `hw2` (1 file), and 2 files that name no sheet (the default, ...)."""
    words = [f"`{i[:40]}` ({_files(n)})" for i, n in sorted(named.items())]
    if unnamed:
        words.append(f"{_files(unnamed)} naming no sheet (the default, `{sheets.DEFAULT_SHEET}`)")
    return ", ".join(words)


def _files(n: int) -> str:
    return "1 file" if n == 1 else f"{n} files"


def _bundled_ids() -> set[str]:
    return {p.stem for p in sheets.bundled_sheets()}


def fit_sheet(item: Submission | Unreadable, chosen: Chosen, parts: dict[str, Part]) -> Submission | Unreadable:
    if isinstance(item, Unreadable):
        return item
    sheet_id = chosen.sheet.id
    if item.sheet is not None and item.sheet != sheet_id:
        return Unreadable(item.file, item.student, f"the file answers sheet `{item.sheet[:40]}`, but this batch "
                          f"grades `{sheet_id}` ({chosen.how}); grade such files apart with {chosen.refs[item.sheet]}",
                          item.modified, foreign=True)
    return fit(item, parts)
