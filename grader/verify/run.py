"""`grader verify`: are sheets and worked solutions valid and correct? For authors and their CI.

Work is split into named items (one per sheet, part and solution) so the pytest plugin can show
each as a test; `verify_paths` runs them all. Problems carry file:line:col.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.core import limits
from grader.core.errors import BudgetExceeded, GraderError
from grader.sheets.bundled import bundled_dir
from grader.sheets.files import load as load_sheet
from grader.sheets.model import Part, Question, Sheet
from grader.sheets.variants import verified
from grader.verify.parts import check_part
from grader.verify.problems import Item, Problem, at, from_errors
from grader.verify.variants import labelled, solution_items  # every variant of a randomised question

# --- finding files --------------------------------------------------------------------------------


def yaml_files(paths: Iterable[str]) -> list[Path]:
    """The .yaml files named, or found (recursively) in the folders named; bundled ones when none."""
    names = list(paths)
    if not names:
        return sorted(bundled_dir("exercises").glob("*.yaml")) + sorted(bundled_dir("solutions").glob("*.yaml"))
    found: list[Path] = []
    for name in names:
        p = Path(name)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml")))
        else:
            found.append(p)
    return found


def is_solution_file(path: Path) -> bool:
    return path.resolve().parent.name == "solutions"


# --- items ----------------------------------------------------------------------------------------


def items_for(path: Path) -> Iterator[Item]:
    """The checks of one file: loading it, then one item per part or worked solution."""
    shown = str(path)
    if not path.is_file():
        yield Item(shown, "exists", lambda: [Problem(shown, 1, 1, "no such file")])
        return
    if is_solution_file(path):
        yield from solution_items(path)
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
                yield Item(shown, part.address + label, labelled(_part_check(variant, asked, part), label))


def _part_check(sheet: Sheet, question: Question, part: Part) -> Callable[[], list[Problem]]:
    def run() -> list[Problem]:
        try:
            with limits.time_limit(30.0):
                return check_part(sheet, question, part)
        except BudgetExceeded:
            return [at(part.where, f"checking `{part.address}` took longer than 30 s")]

    return run


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    files: int
    items: int  # checks run: one per sheet, part and worked solution


def verify_report(paths: Iterable[str]) -> Report:
    problems: list[Problem] = []
    seen: set[tuple[Path, int, int, str]] = set()  # a sheet's problems also come with its solutions'
    files = items = 0
    for path in yaml_files(paths):
        files += 1
        for item in items_for(path):
            items += 1
            for p in item.run():
                key = (Path(p.path).resolve(), p.line, p.col, p.message)
                if key not in seen:
                    seen.add(key)
                    problems.append(p)
    return Report(problems, files, items)


def verify_paths(paths: Iterable[str]) -> list[Problem]:
    return verify_report(paths).problems
