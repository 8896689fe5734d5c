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


def _shown(found: str, width: int = 40) -> str:
    """The offending text, shortened and with invisible characters made visible."""
    found = "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in found)
    return found if len(found) <= width else found[: width - 1] + "…"


def _parse_sentence(err: ParseError, col: int, found: str) -> str:
    data = err.data
    kind = err.kind
    if kind == "empty":
        return "the answer is empty"
    if kind == "too_long" and data.get("reason") == "time":
        return "the answer takes too long to read"
    if kind == "too_long":
        return f"the answer is too long: {data.get('length', len(err.text))} characters, " \
               f"at most {data.get('limit', '?')}"
    if kind == "too_deep":
        return f"the expression is nested too deeply at column {col}"
    if kind == "too_many_tokens":
        return f"the expression is too long at column {col}: at most {data.get('limit', '?')} symbols"
    if kind == "number_too_large":
        return f"the number `{found}` at column {col} is too large"
    if kind == "exponent_too_large":
        return f"the exponent in `{found}` at column {col} is too large"
    if kind == "unexpected_character":
        return f"unexpected character `{found}` at column {col}"
    if kind == "unexpected_token":
        return f"unexpected `{found}` at column {col}"
    if kind == "unexpected_end":
        return f"the answer stops too early (column {col})"
    if kind == "missing_close":
        text = f"missing `{data.get('expected', ')')}`: the `{data.get('open', found)}` at column {col} " \
               "is never closed"
        at = data.get("at")
        if err.found and isinstance(at, int):
            text += f" (found `{_shown(err.found)}` at column {at + 1})"
        return text
    if kind == "unmatched_close":
        return f"`{found}` at column {col} has no matching opening bracket"
    if kind == "unknown_name":
        return f"unknown name `{found}` at column {col}"
    if kind == "unknown_function":
        return f"unknown function `{found}` at column {col}"
    if kind == "not_allowed":
        return f"`{found}` at column {col} is not allowed"
    if kind == "wrong_arity":
        return f"`{found}` at column {col} takes {data.get('expected', 'another number of')} argument(s), " \
               f"not {data.get('got', 'these')}"
    if kind == "missing_argument":
        return f"`{found}` at column {col} needs an argument"
    if kind == "bad_latex":
        return f"LaTeX `{found}` at column {col} is not understood"
    if kind == "bad_condition":
        if data.get("reason") == "answer":
            return f"the answer at column {col} is a condition, not an expression"
        return f"`{found}` at column {col} is not a condition"
    return f"{kind.replace('_', ' ')} at column {col}"


def describe_parse_error(err: ParseError) -> str:
    """One sentence from the error's data: what is wrong, where (1-based column), then the hint."""
    col = err.offset + 1
    found = _shown(err.found)
    if err.hint and err.kind != "missing_close":
        if found and err.hint.startswith(f"`{err.found}`"):
            return f"{err.hint} (column {col})"  # the hint already names the culprit
        return f"{_parse_sentence(err, col, found)}; {err.hint}"
    return _parse_sentence(err, col, found)


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
