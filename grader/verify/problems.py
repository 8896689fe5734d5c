"""What `grader verify` reports: problems at file:line:col, and the named checks that find them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.core.errors import GraderError, SheetError, SheetErrors, describe, problem_words

if TYPE_CHECKING:
    from grader.sheets.yaml_nodes import Where


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    message: str

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Item:
    """One check of one thing, named like `activation-derivatives.yaml::sigmoid.a`."""

    path: str
    name: str
    run: Callable[[], list[Problem]]
    variant: str = ""  # `[alpha=0.1]` for one variant of a randomised question: name ends with it, and
    # every problem's message starts with it (grader.verify.variants.labelled)


def at(where: Where, message: str) -> Problem:
    return Problem(where.path, where.line, where.col, message)


def from_errors(err: GraderError) -> list[Problem]:
    """The problems an error reports, each at its own file:line:col."""
    if isinstance(err, SheetErrors):
        return [Problem(e.path, e.line, e.col, problem_words(e)) for e in err.errors]
    if isinstance(err, SheetError):
        return [Problem(err.path, err.line, err.col, problem_words(err))]
    return [Problem("?", 1, 1, describe(err))]
