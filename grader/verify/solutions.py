"""Checking worked solutions (`solutions/<sheet id>.yaml`) for `grader verify` and the pytest plugin.

One item per part solution, named by its address, checks every step (grader.verify.steps) and the
final result against the sheet (grader.verify.final_result); one item per gradable part of the sheet that
no solution covers reports it missing (a group solution such as `relu.b` covers its sub-parts). The
sheet is the one whose `id:` the file's `sheet:` names: among the files checked, else in `exercises/`
beside `solutions/`, else bundled (grader.sheets.course), whatever the file names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

from grader.core import limits
from grader.core.errors import BudgetExceeded, GraderError
from grader.sheets.files import load as load_sheet
from grader.sheets.model import Sheet
from grader.sheets.solutions import Math, Solution, SolutionFile
from grader.sheets.solutions import load as load_solutions
from grader.sheets.variants import scoped
from grader.verify.final_result import check_result
from grader.verify.problems import Item, Problem, from_errors
from grader.verify.solved import sheet_for
from grader.verify.steps import Counts, PartCheck

PART_SECONDS = 120.0


def solution_items(path: Path, known: Mapping[str, Path] | None = None) -> Iterator[Item]:
    """The checks of a solutions file; `known`: the sheets being checked with it, by id."""
    shown = str(path)
    loaded = _load(path, known)
    if isinstance(loaded, list):
        problems = loaded
        yield Item(shown, "solutions", lambda: problems)
        return
    file, sheet, lines = loaded
    for address, solution in file.solutions.items():
        yield Item(shown, address, _runner(sheet, solution, lines))
    covered = list(file.solutions)
    line = next((i + 1 for i, t in enumerate(lines) if re.match(r"solutions\s*:", t)), 1)
    for address in sheet.parts:
        if not any(address == c or address.startswith(c + ".") for c in covered):
            missing = Problem(shown, line, 1, f"part `{address}` of sheet `{sheet.id}` has no worked solution "
                                              f"(add `{address}:` with its steps under `solutions:`)")
            yield Item(shown, address, partial(list, [missing]))


def check_solution(sheet: Sheet, solution: Solution, lines: list[str],
                   unfill: Callable[[Math, int], int] | None = None) -> PartCheck:
    """Every step and the result of one part's solution; `.problems` and `.counts` say how it went.
    `unfill`: for a variant's solution, where an offset in its math is in the file (PartCheck.unfill)."""
    sheet = scoped(sheet, solution.address)  # its question's own `variables:` and parameters, if any
    pc = PartCheck(sheet, solution, lines, unfill=unfill)
    if not any(solution.address == a or a.startswith(solution.address + ".") for a in sheet.parts):
        key = re.compile(rf"\s*['\"]?{re.escape(solution.address)}['\"]?\s*:")
        line = next((i + 1 for i in range(solution.where.line - 1, -1, -1) if i < len(lines) and
                     key.match(lines[i])), solution.where.line)
        pc.problems.append(Problem(solution.where.path, line, 1, f"sheet `{sheet.id}` has no part "
                                   f"`{solution.address}` (its parts: {', '.join(sheet.parts)})"))
        return pc
    try:
        with limits.time_limit(PART_SECONDS):
            final = pc.run()
            if final is not None:
                check_result(pc, final)
    except BudgetExceeded:
        pc.problem(solution.where, 0, f"checking the solution of `{solution.address}` took longer than "
                                      f"{PART_SECONDS:g} s")
    return pc


def solution_counts(path: Path) -> dict[str, Counts]:
    """How many claims, displays and prose steps each part's solution has (the solutions must load)."""
    loaded = _load(path)
    if isinstance(loaded, list):
        raise ValueError("; ".join(p.text() for p in loaded))
    file, sheet, lines = loaded
    return {a: check_solution(sheet, s, lines).counts for a, s in file.solutions.items()}


def _runner(sheet: Sheet, solution: Solution, lines: list[str]) -> Callable[[], list[Problem]]:
    return lambda: check_solution(sheet, solution, lines).problems


def _load(path: Path, known: Mapping[str, Path] | None = None) -> tuple[SolutionFile, Sheet, list[str]] | list[Problem]:
    shown = str(path)
    try:
        file = load_solutions(path)
        lines = path.read_text(encoding="utf-8").splitlines()
    except GraderError as err:
        return from_errors(err)
    line = next((i + 1 for i, t in enumerate(lines) if re.match(r"sheet\s*:", t)), 1)
    if not file.sheet_id:
        return [Problem(shown, 1, 1, "the solutions file needs `sheet: <id>` naming its exercise sheet")]
    found = sheet_for(path, file.sheet_id, known)
    if found is None:
        return [Problem(shown, line, 1, f"no sheet has `id: {file.sheet_id}`: not among the files checked, "
                                        f"not in `exercises/` beside this file, not bundled (give the sheet's "
                                        f"file too: `grader verify <sheet>.yaml {shown}`, or fix `sheet:`)")]
    try:
        sheet = load_sheet(found)
    except GraderError as err:
        if known is not None and Path(found).resolve() in {Path(p).resolve() for p in known.values()}:
            return from_errors(err)  # the sheet is checked in this run too: its own problems say it, once
        return [Problem(shown, line, 1, f"the sheet `{file.sheet_id}` ({found}) does not load "
                                        "(run `grader verify` on it)"), *from_errors(err)]
    return file, sheet, lines
