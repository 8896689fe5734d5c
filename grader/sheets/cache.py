"""Loaded sheets cached on disk, keyed by content: `grader check` skips reading YAML and parsing
every expression of the sheet (~0.1 s of its ~1 s) when nothing changed.

The key hashes the sheet file's bytes and path, every source file of the grader package, and the
versions of Python, sympy, mpmath and PyYAML: any change to any of them gives another key, so a
stale entry is never read. The sheet is always built by `sheets.load` itself, and stored only if
the file still has the bytes that were hashed. An entry that cannot be read (truncated, corrupt,
from another version) is ignored and rebuilt; entries are written atomically. Errors are never
cached: a sheet that does not load raises exactly as `sheets.load` does.

Where: $GRADER_CACHE_DIR, else $XDG_CACHE_HOME/grader, else ~/.cache/grader. GRADER_NO_CACHE=1
turns it off. Entries are pickles, so a folder that other users can write to is not used.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import pickle
import re
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

try:  # hashlib's own import loads OpenSSL (~5 ms of a `grader check`): take BLAKE2 directly
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

from grader import sheets
from grader.core import caches

if TYPE_CHECKING:
    from grader.sheets.model import Sheet

_FORMAT = b"grader-sheet-cache-1"
_MAX_ENTRIES = 64  # one entry per (sheet content, code version): prune the oldest beyond this


def load(spec: str | None = None) -> Sheet:
    """`sheets.load(spec)`, from the cache when the same file was loaded by the same code before."""
    folder = cache_dir()
    if folder is None:
        return sheets.load(spec)
    try:
        path = sheets.resolve(spec)
        data = path.read_bytes()
    except (OSError, ValueError):
        return sheets.load(spec)  # raises the error a user should see
    key = _key(data, str(path))
    entry = folder / f"{key}.pickle"
    hit = _read(entry, key)
    if hit is not None:
        return hit
    sheet = sheets.load(spec)
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:  # the file did not change while it was loaded
            _write(folder, entry, key, sheet)
    return sheet


def cache_dir(kind: str = "sheets") -> Path | None:
    """The folder for entries of `kind` (created if need be), or None when caching is off or unsafe.
    `sheets` holds parsed sheets; `verify` the results of `grader verify` (grader.verify.cache)."""
    if os.environ.get("GRADER_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None  # GRADER_NO_CACHE=1 turns caching off; =0 (or false, no, off) leaves it on, as it reads
    base = os.environ.get("GRADER_CACHE_DIR")
    if base:
        folder = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        folder = (Path(xdg) if xdg else Path.home() / ".cache") / "grader"
    folder = folder / kind
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None  # someone else could plant an entry: do not unpickle from here
    return folder


def _key(data: bytes, path: str) -> str:
    digest = blake2b(_FORMAT, digest_size=32)
    digest.update(code_fingerprint().encode())
    digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole grader package, not only this folder


@cache
def code_fingerprint() -> str:
    """A hash of the grader's own source files and the versions of what builds a sheet."""
    return source_fingerprint(PACKAGE_DIR)


def source_fingerprint(package: Path) -> str:
    """A hash of every .py file under `package` (names and bytes) and the versions of what builds a sheet."""
    digest = blake2b(digest_size=32)
    versions = (installed_version("sympy"), installed_version("mpmath"), installed_version("yaml", "PyYAML"))
    for part in (sys.version, *versions):
        digest.update(part.encode() + b"\0")
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()


caches.register("sheets.code_fingerprint", code_fingerprint)


def installed_version(module: str, distribution: str | None = None) -> str:
    """The version of the package `module` that an import would load, without importing it (sympy's import
    is ~0.4 s, which a warm `grader verify` does without): from the `Version:` of the one
    `<distribution>-*.dist-info` beside the package. Anything else (a source checkout on the path, two
    dist-infos) asks the module itself: the same text its `__version__` gives."""
    spec = importlib.util.find_spec(module)
    if spec is None:
        return "absent"
    if spec.origin is None:  # not a plain package in a folder: ask it
        return str(importlib.import_module(module).__version__)
    site = Path(spec.origin).parent.parent
    wanted = _normal(distribution or module)
    try:
        infos = [p for p in site.iterdir() if p.name.endswith(".dist-info") and _normal(p.name.split("-")[0]) == wanted]
        if len(infos) == 1 and (info := infos[0] / "METADATA").is_file():
            with info.open(encoding="utf-8") as metadata:
                for line in metadata:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    if line.startswith("Version:"):
                        return line.removeprefix("Version:").strip()
    except OSError:
        pass
    return str(importlib.import_module(module).__version__)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _read(entry: Path, key: str) -> Sheet | None:
    try:
        raw = entry.read_bytes()
    except OSError:
        return None
    header = _FORMAT + key.encode()
    if not raw.startswith(header):
        return None
    from grader.sheets.model import Sheet  # the unpickling has imported it by now

    try:
        sheet = pickle.loads(raw[len(header):])
    except Exception:  # a truncated or foreign entry: rebuild it
        return None
    return sheet if isinstance(sheet, Sheet) else None


def _write(folder: Path, entry: Path, key: str, sheet: Sheet) -> None:
    try:
        body = pickle.dumps(sheet, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in the sheet cannot be pickled: just do not cache it
        return
    if write_atomically(entry, _FORMAT + key.encode() + body):
        prune(folder, "*.pickle", _MAX_ENTRIES)


def write_atomically(entry: Path, data: bytes) -> bool:
    """Write `data` to `entry` through a temporary file in its folder and `os.replace`: a reader sees the old
    entry or the whole new one, never part of it. False if it could not be written."""
    try:
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")  # never pruned
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, entry)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the `keep` newest entries matching `pattern` (by modification time)."""
    entries = sorted(folder.glob(pattern), key=_mtime)
    for old in entries[:-keep] if keep else entries:
        with contextlib.suppress(OSError):
            old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another grader
        return 0.0
