"""Where sheets are found: the bundled ones (inside the installed package, or at the top of a
checkout) and a sheet named by path or by bundled id."""

from __future__ import annotations

from pathlib import Path

from grader.core.errors import UsageError

DEFAULT_SHEET = "activation-derivatives"


def bundled_dir(kind: str = "exercises") -> Path:
    """Where the bundled sheets are: inside the installed package, or at the top of a checkout."""
    here = Path(__file__).resolve().parent.parent  # the grader package: bundled paths are relative to it
    for candidate in (here / "_bundled" / kind, here.parent / kind):
        if candidate.is_dir():
            return candidate
    return here / "_bundled" / kind


def bundled_sheets() -> list[Path]:
    return sorted(bundled_dir().glob("*.yaml"))


def resolve(spec: str | None) -> Path:
    """A sheet given as a path or as the id of a bundled sheet."""
    spec = spec or DEFAULT_SHEET
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise UsageError(f"no sheet file `{spec}`", "give the path of a .yaml sheet or a bundled sheet id")
        return path
    candidate = bundled_dir() / f"{spec}.yaml"
    if candidate.is_file():
        return candidate
    ids = [p.stem for p in bundled_sheets()]
    raise UsageError(f"no bundled sheet `{spec}`", f"bundled sheets: {', '.join(ids) or 'none'}")
