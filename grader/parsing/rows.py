"""Piecewise answers as people write them, without `else`: rows of `value if condition`.

`{ 0 if x < 0; 1 if x > 0 }` (how this tool prints a piecewise), `0 for x<0, 1 for x>0`,
`1 when x > 0, otherwise 0`, `0 when x < 0 and 1 when x > 0`. Rows are separated by `;`, `,` or
`and` (an `and` separates rows only when a row with its own `if`/`for`/`when` follows; otherwise it
joins conditions, as in `1 if x > -1 and x < 1`). A row is `value WORD condition`, `value otherwise`
or `otherwise value`. Python's `a if c else b` is left to the Pratt parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.parsing.common import CASES, CLOSERS, END, ENDCASES, ERROR, NAME, OP, OPEN_CLOSE, Token, fail
from grader.parsing.nodes import Bool, Cond, Node

if TYPE_CHECKING:
    from grader.parsing.parser import Parser

ROW_WORDS = frozenset({"if", "for", "when"})
_OTHERWISE = frozenset({"otherwise", "else"})
EXAMPLE = "`{ 0 if x < 0; 1 if x > 0 }` or `0 for x < 0, 1 for x > 0`"


def _word(tok: Token, words: frozenset[str]) -> bool:
    return tok.kind == NAME and tok.origin in ("", "text") and tok.value in words


def _top_level(tokens: list[Token]) -> list[int]:
    """Bracket level before each token (0 = top level)."""
    levels, level = [], 0
    for tok in tokens:
        if (tok.kind == OP and tok.value in CLOSERS) or tok.kind == ENDCASES:
            level = max(level - 1, 0)
        levels.append(level)
        if (tok.kind == OP and tok.value in OPEN_CLOSE) or tok.kind == CASES:
            level += 1
    return levels


def _braced(p: Parser, tokens: list[Token]) -> list[Token] | None:
    """The tokens inside `{ ... }` when that pair of braces holds the whole answer."""
    if not tokens or not tokens[0].is_op("{"):
        return None
    levels = _top_level(tokens)
    for i in range(1, len(tokens)):
        if levels[i] == 0:
            return tokens[1:i] if tokens[i].is_op("}") and tokens[i + 1].kind == END else None
    return None


def looks_like_rows(tokens: list[Token]) -> bool:
    """Rows of cases: a `;`, a `for`/`when` or `otherwise` at top level, or more `if`s than `else`s."""
    ifs = elses = 0
    for tok, level in zip(tokens, _top_level(tokens), strict=True):
        if level:
            continue
        if tok.is_op(";") or _word(tok, frozenset({"for", "when", "otherwise"})):
            return True
        ifs += _word(tok, frozenset({"if"}))
        elses += _word(tok, frozenset({"else"}))
    return ifs > elses


def natural(p: Parser) -> Node | None:
    """The whole answer as rows of cases, or None when it is not written that way."""
    tokens = p.toks[p.i:]
    inner = _braced(p, tokens)
    if inner is not None and looks_like_rows(inner):
        tokens = inner
    elif tokens and tokens[0].is_op("{") and looks_like_rows(tokens[1:]) and _braced(p, tokens) is None \
            and not any(t.is_op("}") for t in tokens):
        raise fail("missing_close", p.text, tokens[0].start, tokens[0].end, found="",
                   hint=f"missing `}}` to close the `{{` at column {tokens[0].start + 1}, e.g. {EXAMPLE}",
                   expected="}", open="{")
    elif not looks_like_rows(tokens):
        return None
    if any(t.kind == ERROR for t in tokens):
        return None  # the Pratt parser reports the first problem where it is
    rows = _split_rows([t for t in tokens if t.kind != END])
    if len(rows) < 2:
        return None  # `1 if x > 0` alone: the Pratt parser asks for its `else`
    pairs = [_row(p, row) for row in rows]
    start, end = rows[0][0].start, rows[-1][-1].end
    return Cond(start=start, end=end, pairs=pairs)


def _split_rows(tokens: list[Token]) -> list[list[Token]]:
    levels = _top_level(tokens)
    rows: list[list[Token]] = [[]]
    for i, tok in enumerate(tokens):
        top = levels[i] == 0
        if top and (tok.is_op(";", ",") or (_word(tok, frozenset({"and"})) and _row_follows(tokens, levels, i))):
            rows.append([])
            continue
        rows[-1].append(tok)
    return rows


def _row_follows(tokens: list[Token], levels: list[int], i: int) -> bool:
    """An `and` separates rows when the next piece has its own row word (`... and 1 when x > 0`)."""
    for tok, level in zip(tokens[i + 1:], levels[i + 1:], strict=True):
        if level == 0 and (tok.is_op(";", ",") or _word(tok, frozenset({"and"}))):
            return False
        if level == 0 and _word(tok, ROW_WORDS | _OTHERWISE):
            return True
    return False


def _row(p: Parser, row: list[Token]) -> tuple[Node, Node]:
    if not row:
        raise fail("unexpected_token", p.text, p.toks[-1].start, p.toks[-1].end,
                   hint=f"a row of the cases is empty: write each row as `value if condition`, e.g. {EXAMPLE}")
    levels = _top_level(row)
    at = next((i for i, t in enumerate(row) if levels[i] == 0 and _word(t, ROW_WORDS)), None)
    if at is None:
        if _word(row[0], _OTHERWISE) and len(row) > 1:
            return p.sub_expr(row[1:], condition=False), Bool(start=row[0].start, end=row[0].end, value=True)
        if _word(row[-1], _OTHERWISE) and len(row) > 1:
            return p.sub_expr(row[:-1], condition=False), Bool(start=row[-1].start, end=row[-1].end, value=True)
        raise fail("unexpected_token", p.text, row[0].start, row[-1].end,
                   hint=f"each row of the cases needs its condition, e.g. {EXAMPLE}")
    if at == 0 or at == len(row) - 1:
        tok = row[at]
        raise fail("unexpected_token", p.text, tok.start, tok.end,
                   hint=f"write each row as `value {tok.value} condition`, e.g. {EXAMPLE}")
    return p.sub_expr(row[:at], condition=False), p.sub_expr(row[at + 1:], condition=True)
