"""The one place where errors become words for people."""

from __future__ import annotations

from grader.errors import BudgetExceeded, GraderError, ParseError, SheetError, SheetErrors, UsageError


def describe(err: GraderError) -> str:
    """A sentence (or a few lines) saying what went wrong and what to do."""
    if isinstance(err, ParseError):
        return describe_parse_error(err)
    if isinstance(err, SheetError):
        text = f"{err.path}:{err.line}:{err.col}: {err.problem}"
        return f"{text} ({err.fix})" if err.fix else text
    if isinstance(err, SheetErrors):
        return "\n".join(describe(e) for e in err.errors)
    if isinstance(err, UsageError):
        return f"{err.problem}. {err.fix}" if err.fix else err.problem
    if isinstance(err, BudgetExceeded):
        return f"this answer took longer than {err.seconds:g} s to check; simplify it or write it another way"
    return type(err).__name__


# --- parse errors (owned by the parser work) -------------------------------------------------


def describe_parse_error(err: ParseError) -> str:
    """One line: what is wrong at the place, then the hint if any."""
    return f"{err.kind} at column {err.offset + 1}" + (f"; {err.hint}" if err.hint else "")


def caret_lines(err: ParseError) -> str:
    """The answer on one line and a caret under the place the error points at."""
    text = err.text.replace("\n", " ")
    start = min(err.offset, len(text))
    end = max(start + 1, min(err.end if err.end is not None else start + 1, len(text) + 1))
    return f"{text}\n{' ' * start}{'^' * (end - start)}"
