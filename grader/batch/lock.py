"""The exact versions of a package's runtime dependencies as installed here: the lock the Gradescope
bundle installs, so a later release on PyPI cannot change how a course's autograder runs mid-term.

Read from the installed distributions' metadata only (no network, no resolver): the closure of the
package's requirements, without its extras, each pinned `==` to the version installed here. A
requirement with an environment marker (`; python_version < "3.13"`) keeps it in the lock, so pip on
the target skips what that Python does not need.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass

from grader.core.errors import UsageError

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?[^;]*(?:;(.*))?$")
_EXTRA = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


@dataclass(frozen=True)
class Pin:
    name: str  # normalised (PEP 503): `typing-extensions`
    version: str
    marker: str | None  # None: needed everywhere

    @property
    def line(self) -> str:
        return f"{self.name}=={self.version}" + (f" ; {self.marker}" if self.marker else "")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_pins(package: str) -> list[Pin]:
    """`package`'s runtime dependency closure, pinned to what is installed here, sorted by name.
    Raises UsageError when `package`, or a dependency it needs on every platform, is not installed."""
    try:
        importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise UsageError(f"{package} is not installed as a package here",
                         "install it (pip install .) to build the bundle") from None
    markers: dict[str, set[str | None]] = {}
    versions: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(package, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        parent, extras = todo.pop()
        if (parent, extras) in seen:
            continue
        seen.add((parent, extras))
        for text in importlib.metadata.requires(parent) or []:
            match = _REQUIREMENT.match(text)
            if match is None:  # not a requirement this reader understands: pip would refuse it too
                continue
            name, wanted, marker = normalise(match[1]), match[2] or "", (match[3] or "").strip() or None
            named = set(_EXTRA.findall(marker or ""))
            if named and not named & extras:
                continue  # an optional extra nobody asked for
            if named:
                marker = None  # asked for with this extra: needed (the lock serves Linux only)
            try:
                versions[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                if marker is None:
                    raise UsageError(f"{package} needs {name}, which is not installed here",
                                     f"reinstall {package} (pip install .) to build the bundle") from None
                continue  # its marker does not hold here (`python_version < "3.11"`, Windows)
            markers.setdefault(name, set()).add(marker)
            todo.append((name, frozenset(e.strip() for e in wanted.split(",") if e.strip())))
    return [Pin(name, versions[name], _either(markers[name])) for name in sorted(markers)]


def _either(markers: set[str | None]) -> str | None:
    """One marker for a package several others need: none if any needs it unconditionally."""
    if None in markers:
        return None
    texts = sorted(m for m in markers if m)
    return texts[0] if len(texts) == 1 else " or ".join(f"({m})" for m in texts)
