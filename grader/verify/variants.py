"""`grader verify` on the worked solutions of randomised questions.

A solution of a randomised question is written once, with `{alpha}` placeholders; it is checked for
each variant `grader verify` covers (grader.sheets.variants.verified), with that variant's values written in
and the sheet's question at that variant, as an item named `leaky_relu.a[alpha=0.1]`. Its math may
also name the parameters (`\\alpha`, `\\lambda`), as answers may: they stand for the variant's
values. Everything else (loading problems, parts without a solution) is what grader.verify.solutions
reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from grader.core.errors import GraderError
from grader.sheets.files import load as load_sheet
from grader.sheets.model import Sheet
from grader.sheets.solutions import Math, Solution, SolutionFile
from grader.sheets.solutions import load as load_solutions
from grader.sheets.variants import Filler, fill_solution, parameterised, question_of, scoped, variant_count, verified
from grader.verify.problems import Item, Problem
from grader.verify.solutions import check_solution
from grader.verify.solutions import solution_items as plain_items
from grader.verify.solved import sheet_for


def solution_items(path: Path, known: Mapping[str, Path] | None = None) -> Iterator[Item]:
    loaded = _randomised(path, known)
    if loaded is None:
        yield from plain_items(path, known)
        return
    file, sheet, lines = loaded
    shown = str(path)
    for address, solution in file.solutions.items():
        question = question_of(sheet, address)
        if question is None or variant_count(question) <= 1:  # its parameters, if any, are named constants
            yield Item(shown, address, _runner(scoped(sheet, address), solution, lines))
            continue
        for label, variant, asked in verified(sheet, question):
            fill = Filler(asked.values)
            filled = fill_solution(solution, fill)
            run = _runner(scoped(variant, address), filled, lines, _unfill(solution, fill))
            yield Item(shown, address + label, labelled(run, label), label)
    # problems of the file as a whole (a part with no solution, ...) are the plain checker's
    yield from (item for item in plain_items(path, known) if item.name not in file.solutions)


def labelled(run: Callable[[], list[Problem]], label: str) -> Callable[[], list[Problem]]:
    """The check of one variant, its problems prefixed with the variant (`[alpha=0.1] ...`)."""
    if not label:
        return run
    return lambda: [replace(p, message=f"{label} {p.message}") for p in run()]


def _runner(sheet: Sheet, solution: Solution, lines: list[str],
            unfill: Callable[[Math, int], int] | None = None) -> Callable[[], list[Problem]]:
    return lambda: check_solution(sheet, solution, lines, unfill).problems


def _unfill(template: Solution, fill: Filler) -> Callable[[Math, int], int]:
    """Offsets in the variant's math -> offsets in the file's text (with its `{beta}`)."""
    maths = [m for step in template.steps for m in (step.math, *step.chain, *(d for _, d in step.define))
             if m is not None] + ([template.result] if template.result else [])
    written = {m.where: m.latex for m in maths}
    return lambda m, offset: fill.template_offset(written[m.where], offset) if m.where in written else offset


def _randomised(path: Path, known: Mapping[str, Path] | None) -> tuple[SolutionFile, Sheet, list[str]] | None:
    """The solutions, their sheet and the file's lines, when the sheet has questions with parameters."""
    try:
        file = load_solutions(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        if not file.sheet_id:
            return None
        found = sheet_for(path, file.sheet_id, known)
        if found is None:
            return None
        sheet = load_sheet(found)
    except (GraderError, OSError):
        return None  # the plain checker reports it
    return (file, sheet, lines) if parameterised(sheet) else None
