"""Tokens and the one way the parser builds a ParseError."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from grader.core.errors import ParseError, ParseErrorKind
from grader.parsing.names import CASE_WORDS, KEYWORDS, OTHERWISE

NUM, NAME, OP = "num", "name", "op"
FRAC, SQRT, ROOT = "frac", "sqrt", "root"  # \frac, \sqrt, √
CASES, ENDCASES, ROWSEP = "cases", "endcases", "rowsep"  # \begin{cases}, \end{cases}, \\
END, ERROR = "end", "error"
TEXT, PRIME = "text", "prime"  # author notation only: `\text{any value between 0 and 1}`, `f'(x)`

OPEN_CLOSE: dict[str, str] = {"(": ")", "[": "]", "{": "}"}
CLOSERS: frozenset[str] = frozenset(OPEN_CLOSE.values())
COMPARISONS: frozenset[str] = frozenset({"<", ">", "<=", ">=", "==", "!="})

# Binding powers, loosest first.
BP_COND, BP_OR, BP_AND, BP_NOT, BP_CMP, BP_ADD, BP_MUL, BP_UNARY, BP_POW = 1, 2, 3, 4, 5, 10, 20, 30, 40
_WORDS = KEYWORDS | CASE_WORDS | OTHERWISE


@dataclass(slots=True)
class Token:
    kind: str
    value: str  # operator symbol, canonical name, or literal text
    start: int
    end: int
    space: bool = False  # visible whitespace right before this token
    number: Fraction | None = None
    decimal: bool = False
    origin: str = ""  # "" plain, "latex" (\cmd), "greek" (σ), "text" (\text{..}), "prefix" (np.), "sup" (²)
    error: ParseError | None = None  # kind ERROR: raised when the parser reaches it

    def is_op(self, *values: str) -> bool:
        return self.kind == OP and self.value in values


def is_word(tok: Token) -> bool:
    """A grammar word (`if`, `and`, `otherwise`...) rather than a name."""
    return tok.kind == NAME and tok.origin in ("", "text") and tok.value in _WORDS


def fail(kind: ParseErrorKind, text: str, start: int, end: int | None = None, *, found: str | None = None,
         hint: str = "", **data: object) -> ParseError:
    """A ParseError located at text[start:end]; `found` defaults to that slice."""
    stop = start + 1 if end is None else end
    stop = max(start, min(stop, len(text)))
    start = max(0, min(start, len(text)))
    return ParseError(kind=kind, text=text, offset=start, end=stop,
                      found=text[start:stop] if found is None else found, hint=hint, data=dict(data))


def column(offset: int) -> int:
    """1-based column of an offset, as messages say it."""
    return offset + 1
