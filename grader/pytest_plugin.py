"""pytest plugin: in an instructor's repository, `pytest` checks `exercises/*.yaml` and
`solutions/*.yaml` as test items (one per part or solution, named by address).

It calls the same code as `grader verify`; it has no checks of its own.
Registered through the `pytest11` entry point; turn it off with `-p no:grader`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_FOLDERS = ("exercises", "solutions")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and file_path.parent.name in _FOLDERS:
        return SheetFile.from_parent(parent, path=file_path)
    return None


class SheetFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from grader.verify.run import items_for  # lazy: pytest runs without sheets load no sympy

        for item in items_for(self.path):
            yield SheetItem.from_parent(self, name=item.name, check=item)


class VerifyFailed(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class SheetItem(pytest.Item):
    def __init__(self, *, check: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        problems = self.check.run()
        if problems:
            raise VerifyFailed([p.text() for p in problems])

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, VerifyFailed):
            return "\n".join(excinfo.value.lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"grader verify: {self.name}"
