"""Worked solutions: `solutions/<sheet id>.yaml` -> typed models (steps of prose and mathematics).

Loading only checks the shape; whether every step holds is `grader.verify.solutions`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.core.errors import SheetError, SheetErrors, UsageError
from grader.sheets.bundled import bundled_dir
from grader.sheets.course import is_solutions_file, solutions_for, solved_sheet
from grader.sheets.model import Sheet
from grader.sheets.yaml_nodes import Reader, Where, compose

FILE_KEYS = ("sheet", "solutions")
SOLUTION_KEYS = ("title", "intro", "steps", "result")
STEP_KEYS = ("say", "math", "chain", "define", "prose")


@dataclass(frozen=True)
class Math:
    """A piece of LaTeX and where it is in the file."""

    latex: str
    where: Where


@dataclass(frozen=True)
class SolutionStep:
    say: str  # Markdown prose ("" when the step is a display only)
    math: Math | None  # one display: an equation, or `A \quad \Rightarrow \quad B`
    chain: tuple[Math, ...]  # an aligned chain of equal expressions
    define: tuple[tuple[str, Math], ...]  # helper names the step introduces (u, N, D)
    prose: bool  # marked as prose only: nothing to check
    where: Where


@dataclass(frozen=True)
class Solution:
    address: str
    title: str
    intro: str
    steps: tuple[SolutionStep, ...]
    result: Math | None
    where: Where


@dataclass(frozen=True)
class SolutionFile:
    sheet_id: str
    path: str
    solutions: dict[str, Solution]

    def for_part(self, address: str) -> Solution | None:
        """The solution of a part, or of the nearest group above it (relu.b covers relu.b.left)."""
        pieces = address.split(".")
        for n in range(len(pieces), 0, -1):
            found = self.solutions.get(".".join(pieces[:n]))
            if found is not None:
                return found
        return None


def solution_path(sheet: Sheet) -> Path | None:
    """The sheet's worked solutions: a file in `solutions/` beside its `exercises/` folder (or in its own
    folder) whose `sheet:` is its id, whatever the file's name; else the bundled one of that id."""
    found = solutions_for(Path(sheet.path), sheet.id)
    if found:
        return found[0]
    bundled = bundled_dir("solutions") / f"{sheet.id}.yaml"
    return bundled if bundled.is_file() else None


def load_for(sheet: Sheet, given: Path | str | None = None) -> SolutionFile | None:
    """The sheet's worked solutions: from `given` (a solutions file, or a folder holding one for this
    sheet) when the user named it, else found beside the sheet (`solution_path`); None when there are none.
    Raises UsageError when `given` holds no solutions for this sheet."""
    if given is None:
        path = solution_path(sheet)
        return load(path) if path else None
    return load(given_path(sheet, Path(given)))


def given_path(sheet: Sheet, given: Path | str) -> Path:
    """The solutions file `given` names for this sheet: the file, or the one in the folder whose `sheet:` is its id."""
    given = Path(given)
    if given.is_dir():
        found = [p for p in sorted(given.glob("*.y*ml")) if is_solutions_file(p) and solved_sheet(p) == sheet.id]
        if not found:
            raise UsageError(f"no worked solutions for the sheet `{sheet.id}` in {given}",
                             f"a solutions file there starts with `sheet: {sheet.id}`; or give the file itself")
        return found[0]
    if not given.is_file():
        raise UsageError(f"no file or folder {given}", "give --solutions the worked-solutions file of the sheet")
    named = solved_sheet(given)
    if named and named != sheet.id:
        raise UsageError(f"{given} holds the worked solutions of `{named}`, not of `{sheet.id}`",
                         "give the solutions file whose `sheet:` is the sheet's id")
    return given


def load(path: Path) -> SolutionFile:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SheetErrors([SheetError(shown, 1, 1, f"the file is not UTF-8 text ({exc.reason})")]) from None
    return load_text(text, shown)


def load_text(text: str, path: str = "<solutions>") -> SolutionFile:
    try:
        root = compose(path, text)
    except SheetError as err:
        raise SheetErrors([err]) from None
    r = Reader(path, text)
    m = r.mapping(root, "the solutions file", FILE_KEYS, FILE_KEYS) or {}
    sheet_id = (r.text(m["sheet"], "`sheet`") if "sheet" in m else None) or ""
    parts: dict[str, Solution] = {}
    if "solutions" in m:
        sm = r.mapping(m["solutions"], "`solutions`", None) or {}
        for address, node in sm.items():
            solution = _solution(r, address, node)
            if solution is not None:
                parts[address] = solution
    if r.errors:
        raise SheetErrors(r.errors)
    return SolutionFile(sheet_id, path, parts)


def _math(r: Reader, node: yaml.Node, what: str) -> Math | None:
    text = r.text(node, what)
    return Math(text, r.where(node)) if text is not None else None


def _solution(r: Reader, address: str, node: yaml.Node) -> Solution | None:
    m = r.mapping(node, f"the solution of `{address}`", SOLUTION_KEYS, ("steps",))
    if m is None:
        return None
    title = (r.text(m["title"], "`title`") if "title" in m else None) or ""
    intro = (r.text(m["intro"], "`intro`") if "intro" in m else None) or ""
    steps = tuple(r.each(m.get("steps"), "`steps`", lambda n: _step(r, n)))
    result = _math(r, m["result"], "`result`") if "result" in m else None
    return Solution(address, title, intro, steps, result, r.where(node))


def _step(r: Reader, node: yaml.Node) -> SolutionStep | None:
    m = r.mapping(node, "a step", STEP_KEYS)
    if m is None:
        return None
    say = (r.text(m["say"], "`say`") if "say" in m else None) or ""
    math = _math(r, m["math"], "`math`") if "math" in m else None
    chain = tuple(r.each(m.get("chain"), "`chain`", lambda n: _math(r, n, "a chain line")))
    define: list[tuple[str, Math]] = []
    if "define" in m:
        for name, value in (r.mapping(m["define"], "`define`", None) or {}).items():
            body = _math(r, value, f"the definition of `{name}`")
            if body is not None:
                define.append((name, body))
    prose = "prose" in m and r.text(m["prose"], "`prose`") == "true"
    if not (say or math or chain):
        r.error(node, "a step needs `say`, `math` or `chain`")
        return None
    if prose and (math or chain):
        r.error(node, "a step marked `prose: true` cannot also hold `math` or `chain`")
    if not prose and not (math or chain):
        r.error(node, "this step has prose only: mark it `prose: true`", "so that no claim is skipped silently")
    return SolutionStep(say, math, chain, tuple(define), prose, r.where(node))
