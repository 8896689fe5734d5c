"""A course folder: sheets in `exercises/`, their worked solutions in `solutions/`, side by side.

Files are told apart and matched by what they hold, not by their names: a sheet has `id:` and
`questions:`, a solutions file `sheet: <id>` and `solutions:`. Only the top-level keys are read
(lines starting at column 0), so a file that is not valid YAML is still recognised.

Batch grading finds the sheet a class's files name (`sheet: nn-derivs`) with `find`: in the
`exercises/` of a few starting folders (the current one, the submissions') and of their parents,
nearest first, as a course repository is laid out (`course/exercises/homework-3.yaml` with
`id: nn-derivs`, `course/submissions/hw3/ana.yaml`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from grader.core.errors import UsageError
from grader.sheets.bundled import bundled_dir, resolve

_TOP_KEY = re.compile(r"([A-Za-z_]+)\s*:(?:\s+(.*))?$")


def top_keys(path: Path) -> dict[str, str]:
    """The file's top-level keys and their one-line values ("" for a block)."""
    keys: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return keys
    for line in text.splitlines():
        m = _TOP_KEY.match(line)
        if m and m.group(1) not in keys:
            value = re.sub(r"\s+#.*$", "", m.group(2) or "").strip()
            keys[m.group(1)] = value.strip("'\"")
    return keys


def is_solutions_file(path: Path) -> bool:
    """A worked-solutions file: it has `solutions:` or `sheet:` and no `questions:` or `id:`; a file
    in a `solutions/` folder that does not look like a sheet counts as one too (its errors then speak
    of solutions)."""
    keys = top_keys(path)
    if "questions" in keys or "id" in keys:
        return False
    return "solutions" in keys or "sheet" in keys or path.resolve().parent.name == "solutions"


def sheet_id(path: Path) -> str:
    """A sheet file's `id` ("" when it has none)."""
    return top_keys(path).get("id", "") if not is_solutions_file(path) else ""


def solved_sheet(path: Path) -> str:
    """The `sheet:` a solutions file names ("" when it names none)."""
    return top_keys(path).get("sheet", "")


def _yaml_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []


def sheets_by_id(paths: Iterable[Path]) -> dict[str, Path]:
    """The sheets among `paths`, by id (the first file for an id given twice)."""
    found: dict[str, Path] = {}
    for p in paths:
        sid = sheet_id(p)
        if sid and sid not in found:
            found[sid] = p
    return found


def exercises_beside(path: Path) -> list[Path]:
    """Where a solutions file's sheet may be: its own folder, and `exercises/` beside a `solutions/` folder."""
    folder = path.resolve().parent
    return [folder, folder.parent / "exercises"] if folder.name == "solutions" else [folder, folder / "exercises"]


def find_sheet(solutions: Path, wanted: str, known: Mapping[str, Path] | None = None) -> Path | None:
    """The sheet with id `wanted` for a solutions file: among `known` (the files being checked), else in
    the folders beside it (`exercises/`), else bundled; by its `id:`, whatever its file name (by its
    file name `<id>.yaml` only when no file beside has that id)."""
    if known and wanted in known:
        return known[wanted]
    for folder in exercises_beside(solutions):
        hit = sheets_by_id(_yaml_in(folder)).get(wanted)
        if hit is not None:
            return hit
    for folder in exercises_beside(solutions):  # one whose `id:` is broken: loading it says what is wrong
        named = folder / f"{wanted}.yaml"
        if named.is_file() and not is_solutions_file(named):
            return named
    return sheets_by_id(_yaml_in(bundled_dir("exercises"))).get(wanted)


def solutions_for(sheet: Path, sid: str) -> list[Path]:
    """The worked-solutions files for the sheet `sid` at `sheet`: in `solutions/` beside its folder
    (`exercises/` → `../solutions/`) or inside its own folder, by their `sheet:`, whatever their names."""
    folder = sheet.resolve().parent
    places = [folder.parent / "solutions", folder / "solutions"] if folder.name == "exercises" else \
        [folder / "solutions", folder]
    return [p for place in places for p in _yaml_in(place) if is_solutions_file(p) and solved_sheet(p) == sid]


def course_root(start: Path, holding: str = "exercises") -> Path | None:
    """The nearest folder, `start` or above it, holding an `exercises/` folder: the course folder
    (`holding="solutions"`: the nearest holding `solutions/`)."""
    found = exercise_folders([start], holding)
    return found[0].parent if found else None


def exercise_folders(starts: Iterable[Path], name: str = "exercises") -> list[Path]:
    """The `exercises/` folders (or those called `name`) of `starts` and of their parents, nearest first,
    each once (absolute)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for start in starts:
        here = start.resolve()
        here = here if here.is_dir() else here.parent
        for folder in [here, *here.parents]:
            candidate = folder / name
            if candidate not in seen and candidate.is_dir():
                seen.add(candidate)
                out.append(candidate)
    return out


def course_sheets(start: Path) -> list[Path]:
    """The sheets of the nearest course folder's `exercises/` (`start` or above it), by file name; none
    for the bundled sheets' own folder (a checkout of this project is not a course)."""
    bundled = bundled_dir("exercises").resolve()
    folder = next((f for f in exercise_folders([start]) if f != bundled), None)
    return sorted(sheet_ids(folder)) if folder is not None else []


def sheet_ids(folder: Path) -> dict[Path, str]:
    """Each sheet file in `folder` -> its id (files without one are left out)."""
    return {p: sid for p in _yaml_in(folder) if (sid := sheet_id(p))}


def find(wanted: str, starts: Iterable[Path]) -> Path | None:
    """The file in a course's `exercises/` (see exercise_folders) whose id is `wanted`; None if none is.
    The bundled sheets' own folder (a checkout of this project) is not a course: None, so the bundled
    sheet is used as a bundled one."""
    bundled = bundled_dir("exercises").resolve()
    for folder in exercise_folders(starts):
        if folder == bundled:
            continue
        for path, found in sheet_ids(folder).items():
            if found == wanted:
                return path
    return None


def shown(path: Path) -> str:
    """A path as a user would type it from here: relative when it is near (`exercises/a.yaml`,
    `../exercises/a.yaml`), else absolute."""
    cwd = Path.cwd()
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive (Windows)
        return str(path)
    near = relative.split(os.sep).count("..") <= 2 and cwd.parent != cwd  # from / every path is "near"
    return Path(relative).as_posix() if near else str(path)


def locate(spec: str | None) -> Path:
    """A sheet named by path, or by id: a sheet of the course folder here (an `exercises/` in this folder
    or one above it, whatever the file's name), else a bundled sheet. Raises UsageError naming both."""
    if spec is not None and (Path(spec).suffix in (".yaml", ".yml") or Path(spec).exists()):
        return resolve(spec)
    found = find(spec, [Path.cwd()]) if spec else None
    if found is not None:
        return found
    try:
        return resolve(spec)
    except UsageError as err:
        bundled = bundled_dir("exercises").resolve()
        folders = [f for f in exercise_folders([Path.cwd()]) if f != bundled]
        if not folders:
            raise UsageError(f"no bundled sheet `{spec}` (and no `exercises/` folder here or above)",
                             f"give the sheet's path, or a bundled id ({err.fix})") from None
        here = "; ".join(f"{shown(f)}/ holds {', '.join(sorted(sheet_ids(f).values())) or 'no sheet'}" for f in folders)
        raise UsageError(f"no sheet `{spec}` in the course folder or bundled",
                         f"the ids are the sheets' `id:`, not their file names: {here}; {err.fix}") from None
