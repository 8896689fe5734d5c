"""Lexing of LaTeX commands (`\\frac`, `\\cdot`, `\\text{..}`, ...) into the parser's tokens.

Only a fixed set of commands means anything; every other `\\name` becomes a name token that the
parser resolves against the sheet (`\\sigma`, `\\ReLU`) or reports as unknown LaTeX.
"""

from __future__ import annotations

import re

from grader.parsing.common import CASES, ENDCASES, FRAC, NAME, OP, ROWSEP, SQRT, TEXT, Token, fail
from grader.parsing.names import GREEK, LATEX_GREEK

_SILENT = frozenset({
    "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "middle",
    "mathopen", "mathclose", "enspace", "thinspace", "medspace", "thickspace", "negthinspace",
})
# `\big(`, `\Bigl[`, `\biggr)`, `\Bigm|`: a bracket of a fixed size, read like `\left(` and `\right)`.
_SIZING = frozenset(size + side for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m"))
_OPS: dict[str, str] = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "le": "<=", "leq": "<=", "leqslant": "<=",
    "ge": ">=", "geq": ">=", "geqslant": ">=", "lt": "<", "gt": ">", "ne": "!=", "neq": "!=",
    "lvert": "|", "rvert": "|", "vert": "|", "lbrace": "{", "rbrace": "}", "land": "&", "wedge": "&",
}
_FRACS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_TEXTS = frozenset({"text", "textrm", "textit", "textup", "textnormal", "mathrm", "mathit", "mathbf",
                    "mathsf", "operatorname"})
_WORDS = frozenset({"if", "for", "when", "where", "otherwise", "else", "and", "or"})
_SINGLE_SPACE = frozenset(",;:! >()[]")
_NAME = r"[A-Za-z][A-Za-z0-9]*"
_ENVIRONMENTS = frozenset({"cases", "dcases"})


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


def _brace_arg(text: str, i: int, hi: int, cmd_start: int, cmd: str) -> tuple[str, int]:
    """The content of a `{...}` without nested braces right after a command, and the index past it."""
    i = _skip_spaces(text, i)
    close = text.find("}", i + 1, hi) if i < hi and text[i] == "{" else -1
    if close < 0 or "{" in text[i + 1:close] or close - i > 60:
        raise fail("bad_latex", text, cmd_start, i, hint=f"`\\{cmd}` needs its argument in braces, "
                   f"e.g. `\\{cmd}{{...}}`")
    return text[i + 1:close], close + 1


def lex_command(text: str, i: int, hi: int, *, author: bool = False) -> tuple[list[Token], int, bool]:
    """Lex the command starting at text[i] == '\\' (the answer ends at `hi`).

    With `author`, `\\text{...}` holding words becomes a TEXT token that the author notation reads
    (grader.parsing.author_notation); for students it stays an error.

    Returns the tokens it stands for, the index after it, and whether spaces that follow are
    invisible (true after a letter command: `\\pi x` reads as `\\pi{}x`).
    """
    n = hi
    if i + 1 >= n:
        raise fail("bad_latex", text, i, i + 1, hint="a lone `\\` ends the answer")
    if not text[i + 1].isascii() or not text[i + 1].isalpha():
        return _single(text, i)
    j = i + 1
    while j < n and text[j].isascii() and text[j].isalpha():
        j += 1
    cmd = text[i + 1:j]
    if cmd in _SILENT:
        return [], j, True
    if cmd in ("left", "right"):
        return _left_right(text, i, j, n, cmd)
    if cmd in _SIZING:  # a sizing command without a delimiter after it changes nothing
        return _left_right(text, i, j, n, "right" if cmd.endswith("r") else "left")
    if cmd in _OPS:
        return [Token(OP, _OPS[cmd], i, j, origin="latex")], j, True
    if cmd in _FRACS:
        return [Token(FRAC, cmd, i, j, origin="latex")], j, True
    if cmd == "sqrt":
        return [Token(SQRT, cmd, i, j, origin="latex")], j, True
    if cmd in ("begin", "end"):
        name, k = _brace_arg(text, j, n, i, cmd)
        if name.strip() not in _ENVIRONMENTS:
            raise fail("bad_latex", text, i, k, hint="only the `cases` environment is understood")
        return [Token(CASES if cmd == "begin" else ENDCASES, cmd, i, k, origin="latex")], k, False
    if cmd in _TEXTS:
        if cmd == "operatorname" and j < n and text[j] == "*":
            j += 1
        content, k = _brace_arg(text, j, n, i, cmd)
        word = content.strip(" ,.;:~")
        if word.lower() in _WORDS:
            return [Token(NAME, word.lower(), i, k, origin="text")], k, False
        if word in GREEK:
            return [Token(NAME, GREEK[word], i, k, origin="greek")], k, False
        if re.fullmatch(_NAME, word):
            return [Token(NAME, word, i, k, origin="latex")], k, False
        if not word:
            return [], k, False
        if author and cmd.startswith("text"):
            return [Token(TEXT, " ".join(word.split()), i, k, origin="text")], k, False
        raise fail("bad_latex", text, i, k, hint=f"`\\{cmd}{{...}}` must hold a name, like `\\{cmd}{{ReLU}}`")
    return [Token(NAME, LATEX_GREEK.get(cmd, cmd), i, j, origin="latex")], j, True


def _single(text: str, i: int) -> tuple[list[Token], int, bool]:
    c = text[i + 1]
    if c in _SINGLE_SPACE:
        return [], i + 2, False
    if c in "{}|":
        return [Token(OP, c, i, i + 2, origin="latex")], i + 2, False
    if c == "\\":
        return [Token(ROWSEP, "\\\\", i, i + 2, origin="latex")], i + 2, False
    raise fail("bad_latex", text, i, i + 2, hint=f"`\\{c}` has no meaning in an answer")


_DELIMITERS: dict[str, str] = {"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", "\\{": "{", "\\}": "}",
                               "\\lvert": "|", "\\rvert": "|", "\\vert": "|"}


def _left_right(text: str, i: int, j: int, hi: int, cmd: str) -> tuple[list[Token], int, bool]:
    """`\\left(` (or `\\Big(`) is one bracket token (marked LaTeX: never read as indexing); `\\left.` is
    nothing."""
    k = _skip_spaces(text, j)
    if k < hi and text[k] == ".":
        return [], k + 1, True
    if cmd == "left" and text.startswith("\\{", k):  # `\left\{` before `\begin{cases}`: cases has its own
        after = _skip_spaces(text, k + 2)
        if re.match(r"\\begin\s*\{\s*d?cases\s*\}", text[after:after + 20]):
            return [], after, False
    for spelling, value in _DELIMITERS.items():
        if text.startswith(spelling, k) and k + len(spelling) <= hi and \
                not (spelling[-1].isalpha() and text[k + len(spelling):k + len(spelling) + 1].isalpha()):
            return [Token(OP, value, i, k + len(spelling), origin="latex")], k + len(spelling), False
    return [], j, True
