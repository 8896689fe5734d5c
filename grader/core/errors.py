"""Every error the library raises, and the one place where errors become words for people.

Errors carry data (what, where, a fix); `describe` turns any of them into a sentence. Each error's
`__str__` is that sentence, so a traceback, a log line and a message shown to a person agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

ParseErrorKind = Literal[
    "empty", "too_long", "too_deep", "too_many_tokens", "number_too_large", "exponent_too_large",
    "unexpected_character", "unexpected_token", "unexpected_end", "missing_close", "unmatched_close",
    "unknown_name", "unknown_function", "not_allowed", "wrong_arity", "missing_argument", "bad_latex",
    "bad_condition",
]
PARSE_ERROR_KINDS: tuple[ParseErrorKind, ...] = get_args(ParseErrorKind)


class GraderError(Exception):
    """Base class of every error grader raises on purpose. Its text is `describe(self)`."""

    def __str__(self) -> str:
        return describe(self)


@dataclass(eq=False)
class ParseError(GraderError):
    """Text that could not be read as an expression.

    `offset`/`end` index into `text` (end exclusive); `found` is the offending token text; `hint` a
    suggested replacement or tip (may be empty); `data` the numbers a message needs (limits, arity).
    """

    kind: ParseErrorKind
    text: str
    offset: int
    end: int | None = None
    found: str = ""
    hint: str = ""
    data: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.kind, self.offset)

    @property
    def column(self) -> int:
        """1-based column of the error, as messages say it."""
        return self.offset + 1


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


@dataclass(eq=False)
class SheetErrors(GraderError):
    """Several sheet problems found in one pass."""

    errors: list[SheetError]

    def __post_init__(self) -> None:
        super().__init__(len(self.errors))


@dataclass(eq=False)
class UsageError(GraderError):
    """The caller asked for something that does not exist (unknown part, sheet, option)."""

    problem: str
    fix: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.problem)


@dataclass(eq=False)
class BudgetExceeded(GraderError):
    """Work on one answer went over its time budget."""

    seconds: float

    def __post_init__(self) -> None:
        super().__init__(self.seconds)


# --- words ---------------------------------------------------------------------------------------


def describe(err: GraderError) -> str:
    """A sentence (or a few lines) saying what went wrong and what to do."""
    if isinstance(err, ParseError):
        return describe_parse_error(err)
    if isinstance(err, SheetError):
        return f"{err.path}:{err.line}:{err.col}: {problem_words(err)}"
    if isinstance(err, SheetErrors):
        return "\n".join(describe(e) for e in err.errors)
    if isinstance(err, UsageError):
        return f"{err.problem}. {err.fix}" if err.fix else err.problem
    if isinstance(err, BudgetExceeded):
        return f"this answer took longer than {err.seconds:g} s to check; simplify it or write it another way"
    return type(err).__name__


def problem_words(err: SheetError) -> str:
    """A sheet problem and its fix, without the location (for reports that show the location apart)."""
    return f"{err.problem} ({err.fix})" if err.fix else err.problem


def shown(found: str, width: int = 40) -> str:
    """The offending text, shortened and with invisible characters made visible."""
    found = "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in found)
    return found if len(found) <= width else found[: width - 1] + "…"


def _too_long(err: ParseError, found: str) -> str:
    if err.data.get("reason") == "time":
        return "the answer takes too long to read"
    return f"the answer is too long: {err.data.get('length', len(err.text))} characters, " \
           f"at most {err.data.get('limit', '?')}"


def _missing_close(err: ParseError, found: str) -> str:
    data = err.data
    text = f"missing `{data.get('expected', ')')}`: the `{data.get('open', found)}` at column {err.column} " \
           "is never closed"
    at = data.get("at")
    if err.found and isinstance(at, int):
        text += f" (found `{shown(err.found)}` at column {at + 1})"
    return text


def _bad_condition(err: ParseError, found: str) -> str:
    if err.data.get("reason") == "answer":
        return f"the answer at column {err.column} is a condition, not an expression"
    return f"`{found}` at column {err.column} is not a condition"


# One sentence per kind, from the error and its offending text (already made printable and short).
_PARSE_SENTENCES: dict[ParseErrorKind, Callable[[ParseError, str], str]] = {
    "empty": lambda e, f: "the answer is empty",
    "too_long": _too_long,
    "too_deep": lambda e, f: f"the expression is nested too deeply at column {e.column}",
    "too_many_tokens": lambda e, f: f"the expression is too long at column {e.column}: "
                                    f"at most {e.data.get('limit', '?')} symbols",
    "number_too_large": lambda e, f: f"the number `{f}` at column {e.column} is too large",
    "exponent_too_large": lambda e, f: f"the exponent in `{f}` at column {e.column} is too large",
    "unexpected_character": lambda e, f: f"unexpected character `{f}` at column {e.column}",
    "unexpected_token": lambda e, f: f"unexpected `{f}` at column {e.column}",
    "unexpected_end": lambda e, f: f"the answer stops too early (column {e.column})",
    "missing_close": _missing_close,
    "unmatched_close": lambda e, f: f"`{f}` at column {e.column} has no matching opening bracket",
    "unknown_name": lambda e, f: f"unknown name `{f}` at column {e.column}",
    "unknown_function": lambda e, f: f"unknown function `{f}` at column {e.column}",
    "not_allowed": lambda e, f: f"`{f}` at column {e.column} is not allowed",
    "wrong_arity": lambda e, f: f"`{f}` at column {e.column} takes {e.data.get('expected', 'another number of')} "
                                f"argument(s), not {e.data.get('got', 'these')}",
    "missing_argument": lambda e, f: f"`{f}` at column {e.column} needs an argument",
    "bad_latex": lambda e, f: f"LaTeX `{f}` at column {e.column} is not understood",
    "bad_condition": _bad_condition,
}


def describe_parse_error(err: ParseError) -> str:
    """One sentence from the error's data: what is wrong, where (1-based column), then the hint."""
    problem, hint = parse_error_parts(err)
    return f"{problem}; {hint}" if hint and err.kind != "missing_close" else problem


def parse_error_parts(err: ParseError) -> tuple[str, str]:
    """What is wrong and the hint, for a page that shows the hint on a line of its own: each says
    something the other does not ("" for no hint)."""
    found = shown(err.found)
    if err.hint and err.kind != "missing_close" and found and err.hint.startswith(f"`{err.found}`"):
        return f"{err.hint} (column {err.column})", ""  # the hint already names the culprit
    return _PARSE_SENTENCES[err.kind](err, found), err.hint


def caret_lines(err: ParseError, width: int = 100) -> str:
    """The line of the answer the error is on, and carets under offset..end (long lines are cut)."""
    text = err.text
    start = max(0, min(err.offset, len(text)))
    end = err.end if err.end is not None else start + 1
    end = max(start + 1, min(end, len(text) + 1))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    line = "".join(" " if c in "\t\r" else c if c.isprintable() else "?" for c in text[line_start:line_end])
    a = start - line_start
    b = max(a + 1, min(end, line_end + 1) - line_start)
    if len(line) > width:  # keep a window around the carets
        lo = max(0, min(a - width // 3, len(line) - width))
        prefix = "…" if lo else ""
        line = prefix + line[lo:lo + width] + ("…" if lo + width < len(line) else "")
        a, b = a - lo + len(prefix), min(b - lo, width + 1) + len(prefix)
        b = max(b, a + 1)
    return f"{line}\n{' ' * a}{'^' * (b - a)}"
