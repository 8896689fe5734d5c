"""Loading a sheet: a file or YAML text -> a checked Sheet, or SheetErrors listing every problem."""

from __future__ import annotations

from functools import lru_cache

from grader.core import caches
from grader.core.errors import SheetError, SheetErrors, UsageError
from grader.sheets.course import locate
from grader.sheets.model import Sheet
from grader.sheets.reader import Builder
from grader.sheets.variants import pick
from grader.sheets.yaml_nodes import Reader, compose


def load(spec: str | None = None) -> Sheet:
    """Load and check a sheet by path, or by id (the course folder's, else a bundled one); raise SheetErrors
    listing every problem."""
    path = locate(spec)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SheetErrors([SheetError(shown, 1, 1, f"the file is not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise UsageError(f"cannot read `{shown}`: {exc.strerror}") from None
    return load_text(text, shown)


@lru_cache(maxsize=32)  # a pure function of the text and its name: verify and batch load a sheet many times
def load_text(text: str, path: str = "<sheet>") -> Sheet:
    """Read and check a sheet's YAML text; `path` is the name its problems are reported under."""
    try:
        root = compose(path, text)
    except SheetError as err:
        raise SheetErrors([err]) from None
    builder = Builder(Reader(path, text))
    sheet = builder.sheet(root)
    if builder.r.errors or sheet is None:
        raise SheetErrors(builder.r.errors or [SheetError(path, 1, 1, "the sheet could not be read")])
    return pick(sheet, None)  # a randomised question comes as its first variant until a seed picks another


caches.register("sheets.loaded", load_text)
