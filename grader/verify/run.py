"""`grader verify`: are sheets and worked solutions valid and correct? For authors and their CI.

Work is split into named items (one per sheet, part and solution: grader.verify.items) so the pytest
plugin can show each as a test; `verify_paths` runs them all. Problems carry file:line:col. This module
imports no sympy: a run whose files' checks are all recorded (grader.verify.cache) needs none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from grader.core.errors import GraderError
from grader.sheets.bundled import bundled_dir
from grader.sheets.course import (
    course_root,
    is_solutions_file,
    sheet_id,
    sheets_by_id,
    solutions_for,
    solved_sheet,
)
from grader.verify.cache import Run, Snapshot, Store, moment, open_store
from grader.verify.problems import Item, Problem
from grader.verify.said_once import merged  # the variants of a randomised question: each problem once

# --- finding files --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What one `grader verify` checks: files in order, the sheets among them by id, and where they came from."""

    files: list[Path]
    sheets: dict[str, Path]
    origin: str  # "the bundled sheets", "the course folder /x (exercises/, solutions/)" or "" for paths given
    notes: list[Problem]  # said, not failed: a sheet checked without worked solutions, ...
    added: list[Path] = field(default_factory=list)  # worked solutions found beside a sheet given alone
    problems: list[Problem] = field(default_factory=list)  # of the files together: two sheets with one id


def plan(paths: Iterable[str], cwd: Path | None = None) -> Plan:
    """The files to check. Named files and folders (recursively), each sheet with its worked solutions
    (found beside it by their `sheet:`); with none, the course folder here (the nearest one holding
    `exercises/`), else the bundled sheets."""
    names = list(paths)
    origin = ""
    if not names:
        here = cwd or Path.cwd()
        # a course whose sheets are gone, or whose solutions solve the bundled sheets, is still checked: never
        # the bundled sheets in its place
        roots = [r] if (r := course_root(here) or course_root(here, "solutions")) else _courses_below(here)
        folders = [f for root in roots for f in (root / "exercises", root / "solutions") if f.is_dir()] if roots \
            else [bundled_dir("exercises"), bundled_dir("solutions")]
        names = [str(_shown(f)) for f in folders]
        origin = ("the course folder" + ("s" if len(roots) > 1 else "") + " " + ", ".join(
            f"{root} ({', '.join(f.name + '/' for f in folders if f.parent == root)})" for root in roots)) if roots \
            else "the bundled sheets (no `exercises/` or `solutions/` folder here, above or just below)"
    given: list[Path] = []
    for name in names:
        p = Path(name)
        given.extend(sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml")) if p.is_dir() else [p])
    files = _unique(given)
    sheet_files = [p for p in files if p.is_file() and not is_solutions_file(p)]
    sheets = sheets_by_id(sheet_files)
    problems = [Problem(str(p), _id_line(p), 1, f"`id: {sheet_id(p)}` is also the id of {sheets[sheet_id(p)]} (each "
                                                 "sheet needs its own id: solutions, answers and grades name it)")
                for p in sheet_files if sheet_id(p) and sheets[sheet_id(p)] != p]
    solved = {solved_sheet(p) for p in files if p.is_file() and is_solutions_file(p)}
    notes, added = [], []
    for sid, sheet in sheets.items():
        if sid in solved:
            continue
        beside = [_shown(p) for p in solutions_for(sheet, sid)]
        added += [p for p in beside if p.resolve() not in {f.resolve() for f in files}]
        files = _unique([*files, *beside])
        if not beside:
            notes.append(Problem(str(sheet), _id_line(sheet), 1,
                                 f"no worked solutions were checked for `{sid}`: no solutions file with "
                                 f"`sheet: {sid}` in `solutions/` beside it (give its file too if it is elsewhere)"))
    return Plan(files, sheets, origin, notes, added, problems)


def _courses_below(start: Path, depth: int = 3) -> list[Path]:
    """Course folders (holding `exercises/`) below `start`, at most `depth` levels down, none inside
    another's or in a hidden or installed-packages folder: `grader verify` at a repository's root checks
    the course in its `course/` folder, as CI runs it."""
    found: list[Path] = []
    level = [start.resolve()]
    for _ in range(depth):
        level = sorted(d for f in level for d in _folders(f) if not any(d.is_relative_to(c) for c in found))
        found += [d for d in level if (d / "exercises").is_dir()]
        level = [d for d in level if d not in found]
    return found


def _folders(folder: Path) -> list[Path]:
    try:
        return [d for d in folder.iterdir() if d.is_dir() and not d.is_symlink() and not d.name.startswith(".")
                and d.name not in ("node_modules", "site-packages", "__pycache__", "venv")]
    except OSError:
        return []


def _id_line(sheet: Path) -> int:
    lines = sheet.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((i + 1 for i, t in enumerate(lines) if t.startswith("id:")), 1)


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for p in paths:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _shown(path: Path) -> Path:
    """A path as the author would write it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def yaml_files(paths: Iterable[str]) -> list[Path]:
    return plan(paths).files


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    files: int
    items: int  # checks run: one per sheet, part and worked solution
    origin: str = ""  # what was checked when no paths were given (Plan.origin)
    added: list[Path] = field(default_factory=list)  # (Plan.added)
    notes: list[Problem] = field(default_factory=list)  # said, not failed (Plan.notes)
    sheets: int = 0
    solutions: int = 0


def verify_report(paths: Iterable[str], *, diagnosis: bool = False, cache: bool = False, jobs: int = 1) -> Report:
    """Check the files (`plan`); with `diagnosis`, also note the written mistakes the diagnosis finds. With
    `cache`, a file whose checks were recorded for the same content is not checked again (grader.verify.cache);
    with `jobs` > 1, the checks run in that many worker processes (grader.verify.workers). The report is the
    same either way."""
    todo = plan(paths)
    problems: list[Problem] = list(todo.problems)
    seen: set[tuple[Path, int, int, str]] = set()  # a sheet's problems also come with its solutions'
    items = solutions = 0
    notes = list(todo.notes)
    store = open_store(todo.sheets) if cache else None
    start = moment()
    files = [_File.of(path, todo.sheets, store) for path in todo.files]
    found, cut = _run([item for f in files for item in f.todo], jobs)
    keep = store is not None and not cut and moment() == start  # no budget ran out: the same next time
    for f in files:
        solutions += f.path.is_file() and is_solutions_file(f.path)
        runs = f.runs(found, store if keep else None)
        if diagnosis and f.path.is_file() and not is_solutions_file(f.path) and not any(p for _, p in runs):
            notes += _covered(f, store, keep and moment() == start)
        items += len(runs)
        for p in merged(runs):  # the variants of a randomised question: each problem once
            key = (Path(p.path).resolve(), p.line, p.col, p.message)
            if key not in seen:
                seen.add(key)
                problems.append(p)
    if store:
        store.close()
    return Report(problems, len(todo.files), items, todo.origin, todo.added, notes, len(todo.files) - solutions,
                  solutions)


@dataclass
class _File:
    """A file of the run: its checks as recorded, or those to run (with what its record needs)."""

    path: Path
    snap: Snapshot | None = None
    recorded: list[Run] | None = None
    todo: list[Item] = field(default_factory=list)
    sheet_id: str | None = None  # a solutions file's sheet, and that sheet before the checks (Store.save_runs)
    sheet_before: dict[str, Any] | None = None

    @classmethod
    def of(cls, path: Path, known: Mapping[str, Path], store: Store | None) -> _File:
        snap = store.snapshot(path) if store else None
        recorded = store.runs(path, snap) if store and snap else None
        if recorded is not None:
            return cls(path, snap, recorded)
        from grader.verify.items import items_for, sheet_named  # lazy: a run from the cache imports no sympy

        sheet_id = sheet_named(path) if snap and snap.solutions else None
        sheet_before = store.sheet_of(path, sheet_id) if store and snap and sheet_id is not None else None
        return cls(path, snap, None, list(items_for(path, known)), sheet_id, sheet_before)

    def runs(self, found: Iterator[list[Problem]], store: Store | None) -> list[tuple[Item, list[Problem]]]:
        """Each check and what it found: as recorded, or the next of `found` (then recorded in `store`)."""
        if self.recorded is not None:
            return [(Item(str(self.path), name, partial(list, problems), variant), problems)
                    for name, variant, problems in self.recorded]
        runs = [(item, next(found)) for item in self.todo]
        if store and self.snap:
            store.save_runs(self.path, self.snap, [(item.name, item.variant, problems) for item, problems in runs],
                            self.sheet_id, self.sheet_before)
        return runs


def _run(todo: list[Item], jobs: int) -> tuple[Iterator[list[Problem]], bool]:
    """What each check found, in order, and whether a budget ran out or a fallback was taken in any."""
    if not todo:
        return iter([]), False
    from grader.verify.workers import run_all  # lazy: a run from the cache imports no sympy

    done = run_all(todo, jobs)
    return iter([problems for problems, _ in done]), any(cut for _, cut in done)


def _covered(f: _File, store: Store | None, keep: bool) -> list[Problem]:
    """Notes on the written mistakes the diagnosis finds by itself (a sheet that loads and checks clean)."""
    recorded = store.notes(f.snap) if store and f.snap else None
    if recorded is not None:
        return recorded
    from grader.sheets.files import load as load_sheet  # lazy: a run from the cache imports no sympy
    from grader.verify.coverage import covered

    start = moment()
    try:
        notes = covered(load_sheet(str(f.path)))
    except GraderError:
        notes = []
    if store and f.snap and keep and moment() == start:
        store.save_notes(f.path, f.snap, notes)
    return notes


def verify_paths(paths: Iterable[str]) -> list[Problem]:
    return verify_report(paths).problems


def items_for(path: Path, sheets: Mapping[str, Path] | None = None) -> Iterator[Item]:
    """The checks of one file (grader.verify.items.items_for), for the pytest plugin."""
    from grader.verify.items import items_for as checks  # lazy: keeps this module free of sympy

    return checks(path, sheets)
