"""Every error the library raises. Errors carry data; `grader.messages` turns them into words."""

from __future__ import annotations

from dataclasses import dataclass, field


class GraderError(Exception):
    """Base class of every error grader raises on purpose."""


@dataclass(eq=False)
class ParseError(GraderError):
    """Text that could not be read as an expression.

    `offset`/`end` index into `text` (end exclusive); `kind` is one of PARSE_ERROR_KINDS;
    `found` is the offending token text; `hint` a suggested replacement or tip (may be empty).
    """

    kind: str
    text: str
    offset: int
    end: int | None = None
    found: str = ""
    hint: str = ""
    data: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.kind, self.offset)

    def __str__(self) -> str:  # words live in grader.messages
        from grader.messages import describe

        return describe(self)


@dataclass(eq=False)
class SheetError(GraderError):
    """A problem in an exercise sheet, located for its author."""

    path: str
    line: int  # 1-based
    col: int  # 1-based
    problem: str
    fix: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.path, self.line, self.col, self.problem)

    def __str__(self) -> str:
        from grader.messages import describe

        return describe(self)


@dataclass(eq=False)
class SheetErrors(GraderError):
    """Several sheet problems found in one pass."""

    errors: list[SheetError]

    def __post_init__(self) -> None:
        super().__init__(len(self.errors))

    def __str__(self) -> str:
        from grader.messages import describe

        return describe(self)


@dataclass(eq=False)
class UsageError(GraderError):
    """The caller asked for something that does not exist (unknown part, sheet, option)."""

    problem: str
    fix: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.problem)

    def __str__(self) -> str:
        from grader.messages import describe

        return describe(self)


@dataclass(eq=False)
class BudgetExceeded(GraderError):
    """Work on one answer went over its time budget."""

    seconds: float

    def __post_init__(self) -> None:
        super().__init__(self.seconds)

    def __str__(self) -> str:
        from grader.messages import describe

        return describe(self)
