"""The named checks of one file for `grader verify` and the pytest plugin: loading it, its texts, then
one item per part (per variant of a randomised question) or worked solution."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from grader.core import limits
from grader.core.errors import BudgetExceeded, GraderError
from grader.sheets.course import is_solutions_file
from grader.sheets.files import load as load_sheet
from grader.sheets.model import Part, Question, Sheet
from grader.sheets.solutions import load as load_solutions
from grader.sheets.variants import verified
from grader.verify.parts import check_part
from grader.verify.problems import Item, Problem, at, from_errors
from grader.verify.prose import prose_problems
from grader.verify.variants import labelled, solution_items  # every variant of a randomised question


def items_for(path: Path, sheets: Mapping[str, Path] | None = None) -> Iterator[Item]:
    """The checks of one file: loading it, then one item per part or worked solution. `sheets`: the
    sheets checked with it, by id (a solutions file's sheet is looked for there first)."""
    shown = str(path)
    if not path.is_file():
        yield Item(shown, "exists", lambda: [Problem(shown, 1, 1, "no such file")])
        return
    yield Item(shown, "texts", lambda: prose_problems(shown, path.read_text(encoding="utf-8", errors="replace")))
    if is_solutions_file(path):
        yield from solution_items(path, sheets)
        return
    try:
        sheet = load_sheet(shown)
    except GraderError as err:
        problems = from_errors(err)
        yield Item(shown, "sheet", lambda: problems)
        return
    yield Item(shown, "sheet", lambda: [])
    for question in sheet.questions:
        for label, variant, asked in verified(sheet, question):  # label: "" or `[alpha=0.1]`
            for part in asked.parts:
                yield Item(shown, part.address + label, labelled(_part_check(variant, asked, part), label), label)


def _part_check(sheet: Sheet, question: Question, part: Part) -> Callable[[], list[Problem]]:
    def run() -> list[Problem]:
        try:
            with limits.time_limit(30.0):
                return check_part(sheet, question, part)
        except BudgetExceeded:
            return [at(part.where, f"checking `{part.address}` took longer than 30 s")]

    return run


def sheet_named(path: Path) -> str | None:
    """The id of the sheet the checks of the solutions file at `path` look for (grader.verify.solutions);
    None when they look for none: the file does not load, or names no sheet."""
    try:
        return load_solutions(path).sheet_id or None
    except (GraderError, OSError):
        return None
