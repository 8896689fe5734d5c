"""`grader verify`'s results kept on disk, keyed by content: a pre-commit hook or CI job re-checks only
the files that changed (and the solutions of a sheet that changed) since the last run.

A file's checks are recorded as they came out (each check's name, variant and problems, in order)
and replayed through the same code that reports them, so a run from the cache says, byte for byte,
what a run without it says. The key is a hash of everything a file's checks depend on:

- the file's bytes, its path as shown and resolved, and the working folder (paths in the words);
- the grader's own source files and the versions of Python, sympy, mpmath and PyYAML
  (grader.sheets.cache.code_fingerprint, the parsed-sheet cache's), whether gmpy2 is installed and
  any SYMPY_* or MPMATH_* setting in the environment;
- for a worked-solutions file, the sheet it solves: the `sheet:` the file names is recorded under the
  file's key; at each run the sheet is found again as the checks find it (among the files checked,
  beside, bundled), and the checks are recorded under a key that also holds that sheet's path as
  shown and resolved, its bytes and whether it is checked in the same run.

Nothing else is read by a file's checks (sheets include no other files; there is no course-level
configuration). A result is kept only when the files had the same bytes before and after the checks,
and when no time budget ran out and no fallback was taken in the run so far (grader.core.limits,
grader.equivalence.fallbacks): such a result may come out otherwise on another run. `--diagnosis`
notes are kept apart, so a run with it reuses the checks of a run without.

Entries are JSON (never unpickled: a planted entry cannot run code), in the folder of
grader.sheets.cache.cache_dir("verify"), written atomically; one that cannot be read or does not have
the expected form is ignored and its file checked again. GRADER_NO_CACHE=1 or `--no-cache` turn it off.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core import limits
from grader.sheets import cache as sheet_cache
from grader.sheets.course import is_solutions_file
from grader.verify.problems import Problem
from grader.verify.solved import sheet_for

try:  # as grader.sheets.cache: hashlib's own import loads OpenSSL
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

FORMAT = "grader-verify-cache-1"
MAX_ENTRIES = 4000  # a few per file of a course, per version of it: the oldest beyond this are removed

Run = tuple[str, str, list[Problem]]  # a check's name, its variant ("" or `[beta=2]`), its problems


@dataclass(frozen=True)
class Snapshot:
    """What a file's checks read, as it was when they started."""

    key: str  # of the file itself and everything around it (see the module docstring)
    data: bytes
    solutions: bool


class Store:
    """The verify entries of one run: `known` are the sheets checked in it, by id (grader.verify.run.Plan)."""

    def __init__(self, folder: Path, known: Mapping[str, Path]) -> None:
        self.folder = folder
        self.known = known
        self.common = _common()
        self.written = 0

    def snapshot(self, path: Path) -> Snapshot | None:
        """The file's key and bytes, or None when it cannot be cached (not a readable file)."""
        try:
            if not path.is_file():
                return None
            data = path.read_bytes()
            resolved = str(path.resolve())
        except OSError:
            return None
        solutions = is_solutions_file(path)
        digest = blake2b(self.common, digest_size=32)
        for part in ("solutions" if solutions else "sheet", str(path), resolved):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return Snapshot(digest.hexdigest(), data, solutions)

    # --- a file's checks ---

    def runs(self, path: Path, snap: Snapshot) -> list[Run] | None:
        """The recorded checks of the file, or None (not recorded, unreadable, or its sheet changed)."""
        key = snap.key
        if snap.solutions:  # which sheet it names (recorded under the file's own key), and that sheet now
            index = self._read(snap.key)
            if index is None or not isinstance(sheet_id := index.get("sheet_id"), str | None):
                return None
            key = _with_sheet(snap.key, sheet_id, self.sheet_of(path, sheet_id) if sheet_id is not None else None)
        entry = self._read(key)
        if entry is None:
            return None
        try:
            return [(_text(name), _text(variant), [_problem(p) for p in problems])
                    for name, variant, problems in entry["runs"]]
        except (KeyError, TypeError, ValueError):  # not the form this version writes: check again
            return None

    def save_runs(self, path: Path, snap: Snapshot, runs: list[Run], sheet_id: str | None,
                  sheet_before: dict[str, Any] | None) -> None:
        """Record the checks of a file that `snap` was taken of before they ran. For a solutions file,
        `sheet_id` is the sheet its checks looked for (None: none, the file did not load or names none) and
        `sheet_before` that sheet as it was before they ran (`sheet_of`)."""
        sheet = self.sheet_of(path, sheet_id) if snap.solutions and sheet_id is not None else None
        if sheet != sheet_before or not self._unchanged(path, snap):
            return  # something was edited while it was checked: the next run checks it again
        key = snap.key
        if snap.solutions:  # the same file may be checked against another sheet file (given alone, or not)
            self._write(snap.key, {"sheet_id": sheet_id})
            key = _with_sheet(snap.key, sheet_id, sheet)
        self._write(key, {"runs": [[name, variant, [_plain(p) for p in problems]] for name, variant, problems in runs]})

    def sheet_of(self, path: Path, sheet_id: str) -> dict[str, Any] | None:
        """The sheet `sheet_id` the solutions at `path` are checked against, as the checks find it
        (grader.verify.solutions), with a hash of its bytes; None when there is none."""
        shown = sheet_for(path, sheet_id, self.known)
        if shown is None:
            return None
        found = Path(shown)
        try:
            data = found.read_bytes()
            resolved = found.resolve()
        except OSError:
            return {"shown": shown, "unreadable": True}
        checked = resolved in {Path(p).resolve() for p in self.known.values()}
        return {"shown": shown, "resolved": str(resolved), "bytes": blake2b(data, digest_size=32).hexdigest(),
                "checked": checked}

    # --- `--diagnosis` notes of a sheet ---

    def notes(self, snap: Snapshot) -> list[Problem] | None:
        entry = self._read(_diagnosis_key(snap))
        if entry is None:
            return None
        try:
            return [_problem(p) for p in entry["notes"]]
        except (KeyError, TypeError, ValueError):
            return None

    def save_notes(self, path: Path, snap: Snapshot, notes: list[Problem]) -> None:
        if self._unchanged(path, snap):
            self._write(_diagnosis_key(snap), {"notes": [_plain(p) for p in notes]})

    # --- entries ---

    def _unchanged(self, path: Path, snap: Snapshot) -> bool:
        try:
            return path.read_bytes() == snap.data
        except OSError:
            return False

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads((self.folder / f"{key}.json").read_bytes())
        except (OSError, ValueError):  # none, unreadable, truncated, not JSON
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        with contextlib.suppress(OSError):  # used: pruned last
            os.utime(self.folder / f"{key}.json")
        return entry

    def _write(self, key: str, body: dict[str, Any]) -> None:
        data = json.dumps({"format": FORMAT, "key": key, **body}, ensure_ascii=True).encode()
        self.written += sheet_cache.write_atomically(self.folder / f"{key}.json", data)

    def close(self) -> None:
        """Remove the oldest entries beyond MAX_ENTRIES (once a run, after it wrote some)."""
        if self.written:
            sheet_cache.prune(self.folder, "*.json", MAX_ENTRIES)


def open_store(known: Mapping[str, Path]) -> Store | None:
    """The store of this run, or None when caching is off (GRADER_NO_CACHE) or its folder is unusable."""
    folder = sheet_cache.cache_dir("verify")
    return Store(folder, known) if folder is not None else None


def moment() -> tuple[int, int]:
    """How many time budgets have run out and fallbacks been taken in this process so far: a result reached
    while either happened may come out otherwise next time, and is not kept."""
    fallbacks = sys.modules.get("grader.equivalence.fallbacks")  # not imported yet: none was taken
    return limits.overruns, getattr(fallbacks, "cut_short", 0)


def _common() -> bytes:
    """What every key of this run shares: the grader's code and versions, the maths libraries' settings,
    the working folder."""
    parts = [FORMAT, sheet_cache.code_fingerprint(), str(importlib.util.find_spec("gmpy2") is not None),
             *sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(("SYMPY_", "MPMATH_"))),
             str(Path.cwd().resolve())]
    return "\0".join(parts).encode("utf-8", "surrogateescape")


def _with_sheet(key: str, sheet_id: str | None, sheet: dict[str, Any] | None) -> str:
    """The key of a solutions file's checks against that sheet (`Store.sheet_of`)."""
    said = json.dumps([key, sheet_id, sheet], sort_keys=True, ensure_ascii=True)
    return blake2b(said.encode(), digest_size=32).hexdigest()


def _diagnosis_key(snap: Snapshot) -> str:
    return blake2b(f"diagnosis\0{snap.key}".encode(), digest_size=32).hexdigest()


def _plain(p: Problem) -> list[Any]:
    return [p.path, p.line, p.col, p.message]


def _problem(raw: Any) -> Problem:
    path, line, col, message = raw
    if not (isinstance(line, int) and isinstance(col, int)) or isinstance(line, bool) or isinstance(col, bool):
        raise TypeError("line and column are numbers")
    return Problem(_text(path), line, col, _text(message))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a text was expected")
    return value
