"""What the parser says when the tokens do not fit: each function builds the ParseError to raise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.core.errors import ParseError
from grader.parsing.author_notation import unknown_phrase
from grader.parsing.common import (
    CASES,
    CLOSERS,
    END,
    ENDCASES,
    NAME,
    OP,
    ROWSEP,
    TEXT,
    Token,
    column,
    fail,
    is_word,
)
from grader.parsing.names import PYTHON_KEYWORDS
from grader.parsing.nodes import Neg, Node, Num, Pow, Prod

if TYPE_CHECKING:
    from grader.parsing.parser import Parser


def no_operand(p: Parser, tok: Token) -> ParseError:
    """`tok` stands where a value should start."""
    if tok.kind == END:
        before = p.toks[p.i - 1].value if p.i else ""
        hint = f"something is missing after `{before}`" if before else "the expression stops too early"
        return fail("unexpected_end", p.text, tok.start, tok.start, found="", hint=hint)
    if tok.kind == OP and tok.value in CLOSERS and not p.brackets:
        return fail("unmatched_close", p.text, tok.start, tok.end, hint="remove it, or add the bracket it closes")
    if tok.kind == OP and tok.value in CLOSERS | {",", "|", "="}:
        return fail("unexpected_token", p.text, tok.start, tok.end,
                    hint=f"an expression is missing before `{tok.value}`")
    if tok.kind in (ROWSEP, ENDCASES):
        return fail("bad_latex", p.text, tok.start, tok.end,
                    hint="`\\\\` and `\\end{cases}` belong inside `\\begin{cases} ... \\end{cases}`")
    code = python_code(p, tok)
    if code is not None:
        return code
    if tok.kind == TEXT:
        return unknown_phrase(p, tok)
    return fail("unexpected_token", p.text, tok.start, tok.end,
                hint=f"an operator needs a value before it, e.g. `x{tok.value}2`"
                if tok.kind == OP and tok.value in ("*", "/", "^") else
                "an operator needs a value before it" if tok.kind == OP else "")


def python_code(p: Parser, tok: Token) -> ParseError | None:
    if tok.kind == NAME and tok.origin == "" and tok.value in PYTHON_KEYWORDS:
        return fail("not_allowed", p.text, tok.start, tok.end,
                    hint=f"`{tok.value}` is Python code, not mathematics: type an expression")
    return None


def trailing(p: Parser, tok: Token) -> ParseError:
    """`tok` is left over after a whole expression."""
    code = python_code(p, tok)
    if code is not None:
        return code
    if tok.kind == OP and tok.value in CLOSERS:
        return fail("unmatched_close", p.text, tok.start, tok.end, hint="remove it, or add the bracket it closes")
    if tok.is_op("="):
        return fail("unexpected_token", p.text, tok.start, tok.end,
                    hint="a single expression is expected here, not an equation")
    if tok.is_op(","):
        return fail("unexpected_token", p.text, tok.start, tok.end,
                    hint="a single expression is expected; commas only separate a function's arguments")
    if is_word(tok) and tok.value == "else":
        return fail("unexpected_token", p.text, tok.start, tok.end, hint="`else` without `if`")
    return no_operand(p, tok)


def missing_close(p: Parser, open_: Token, closer: str, tok: Token) -> ParseError:
    shown = "\\begin{cases}" if open_.kind == CASES else open_.value
    return fail("missing_close", p.text, open_.start, open_.end, found=tok.value,
                hint=f"missing `{closer}` to close the `{shown}` at column {column(open_.start)}",
                expected=closer, open=shown, at=tok.start)


def check_ambiguous(p: Parser, left: Node, right: Node, tok: Token) -> None:
    """Refuse `1/2x` and `e^2x` (juxtaposition right after a division or a bare number power)."""
    tail, divided = left, False
    while not tail.paren:
        if isinstance(tail, Neg):
            tail = tail.arg
        elif isinstance(tail, Prod):
            divided, tail = tail.factors[-1]
            if divided:
                break
        else:
            break
    after = p.src(right.start, right.end)
    if divided and isinstance(left, Prod):
        numer = p.src(left.start, tail.start).rstrip("/ ").strip()
        whole, before = p.src(left.start, right.end), p.src(left.start, left.end)
        divisor = p.src(tail.start, tail.end)
        raise fail("unexpected_token", p.text, left.start, right.end,
                   hint=f"`{whole}` is ambiguous: write `({before})*{after}` "
                   f"or `{numer}/({divisor}*{after})`")
    if isinstance(tail, Pow) and not tok.space and tok.kind == NAME and _bare_number(tail.exp):
        base, exp = p.src(tail.base.start, tail.base.end), p.src(tail.exp.start, tail.exp.end)
        raise fail("unexpected_token", p.text, tail.start, right.end,
                   hint=f"`{p.src(tail.start, right.end)}` is ambiguous: write `{base}^({exp}{after})` "
                   f"or `{base}^{exp}*{after}`")


def _bare_number(node: Node) -> bool:
    if isinstance(node, Neg) and not node.paren:
        node = node.arg
    return isinstance(node, Num) and not node.paren
