"""Student text (plain math, Python-ish, unicode or LaTeX) -> sympy objects, or a ParseError.

Text is never code: a tokenizer and a Pratt parser build a small tree, sizes are checked, and
only then are sympy objects constructed directly. Nothing here evaluates strings.
"""

from __future__ import annotations

import signal
import threading
from contextlib import nullcontext

import sympy

from grader.core import caches, limits
from grader.core.errors import BudgetExceeded, ParseError
from grader.core.limits import MAX_ANSWER_CHARS, MAX_DERIVATION_CHARS, MAX_TOKENS
from grader.parsing.build import Builder
from grader.parsing.common import (
    CASES,
    CLOSERS,
    END,
    ENDCASES,
    ERROR,
    NAME,
    OP,
    OPEN_CLOSE,
    Token,
    fail,
    is_word,
)
from grader.parsing.context import AnyBetween, OneOf, ParseContext, Parsed, SheetFunction, sheet_function, symbol
from grader.parsing.names import KNOWN_FUNCTIONS
from grader.parsing.parser import Parser
from grader.parsing.tokens import tokenize

__all__ = [
    "KNOWN_FUNCTIONS",
    "AnyBetween",
    "OneOf",
    "ParseContext",
    "Parsed",
    "SheetFunction",
    "parse",
    "parse_chain",
    "parse_condition",
    "parse_statement",
    "sheet_function",
    "symbol",
]

_DEFAULT = ParseContext()
# Last-resort wall-clock bound on one parse; the size checks keep real answers far below it.
PARSE_SECONDS = 1.0
# A derivation may hold as many tokens as its share of characters allows.
_CHAIN_TOKENS = MAX_TOKENS * (MAX_DERIVATION_CHARS // MAX_ANSWER_CHARS)


# What parse() read, by text and context: one answer is read by grading, by a wrong answer's fingerprint
# and plot, and by its preview (the server's live preview and "Read as"); a parse is a pure function of
# both, so only the first reading costs. Errors are not kept (a time-out depends on load).
_parsed: dict[tuple[str, ParseContext], Parsed] = {}
caches.register("parsing.parsed", _parsed)
MAX_PARSED = 4096


def parse(text: str, ctx: ParseContext = _DEFAULT) -> Parsed:
    """One expression; a plain `=` is an error. Raises ParseError (and nothing else)."""
    key = (text, ctx)
    found = _parsed.get(key)
    if found is not None:
        return found
    tokens = _tokens(text, MAX_ANSWER_CHARS, MAX_TOKENS, ctx.author)
    parsed = _plain(_guarded(text, tokens, ctx, whole=True), ctx.author)
    if len(_parsed) >= MAX_PARSED:
        _parsed.clear()
    _parsed[key] = parsed
    return parsed


def parse_chain(text: str, ctx: ParseContext = _DEFAULT) -> list[Parsed]:
    """`a = b = c` (a leading `=` or `&=` is allowed) -> one Parsed per piece, offsets into `text`.

    A `.` or `,` ending a piece is punctuation (grader.parsing.tokens)."""
    tokens = _tokens(text, MAX_DERIVATION_CHARS, _CHAIN_TOKENS, ctx.author)
    return [_plain(_guarded(text, piece, ctx), ctx.author) for piece in _split(text, tokens)]


# Statements an author may write in a worked solution: `A = B \Rightarrow C = D`, `A = B, \quad C = D`.
_IMPLIES = frozenset({"Rightarrow", "implies", "Longrightarrow", "Leftrightarrow", "iff"})
_UNEVALUATED = (sympy.Derivative, sympy.Limit, sympy.Subs, AnyBetween, OneOf)


def parse_statement(text: str, ctx: ParseContext) -> list[list[Parsed]]:
    """An author's display -> its claims, each a chain `a = b = c` of Parsed pieces (offsets into `text`).

    Claims are separated by a top-level `\\Rightarrow` (or `\\implies`) or `,`; `\\boxed{...}` is its
    content; a final `.` or `,` is punctuation. Derivatives, limits and the like stay unevaluated
    (sympy Derivative, Limit, Subs; grader.parsing.author_notation). Needs `ctx.author`.
    """
    if not ctx.author:
        raise fail("not_allowed", text, 0, len(text), hint="statements are author notation")
    stripped = text.rstrip()
    body = stripped[:-1] + " " + text[len(stripped):] if stripped.endswith((".", ",")) else text
    tokens = _unbox(body, _tokens(body, MAX_DERIVATION_CHARS, _CHAIN_TOKENS, True))
    return [[_guarded(body, piece, ctx) for piece in _split(body, claim)] for claim in _claims(body, tokens)]


def parse_condition(text: str, ctx: ParseContext) -> sympy.Basic:
    """A condition such as `x < 0` or `x \\neq 0` -> a sympy relation. Raises ParseError."""
    tokens = _tokens(text, MAX_ANSWER_CHARS, MAX_TOKENS, ctx.author)
    try:
        with limits.time_limit(PARSE_SECONDS) if _may_time_box() else nullcontext():
            return Builder(text).condition(Parser(text, tokens, ctx).parse_all())
    except BudgetExceeded:
        raise fail("too_long", text, 0, len(text), found="", reason="time") from None


def _plain(parsed: Parsed, author: bool) -> Parsed:
    """parse() and parse_chain() give expressions to evaluate: no unevaluated author notation."""
    if author and parsed.expr.has(*_UNEVALUATED):
        raise fail("not_allowed", parsed.text, 0, len(parsed.text),
                   hint="derivatives, limits and words belong in worked solutions; type the expression itself")
    return parsed


def _unbox(text: str, tokens: list[Token]) -> list[Token]:
    """Drop `\\boxed{` and its `}`: a box around a claim does not change it."""
    out: list[Token] = []
    closing: list[tuple[int, Token]] = []  # brace depths at which a box closes, and the box
    depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == NAME and tok.origin == "latex" and tok.value == "boxed" and tokens[i + 1].is_op("{"):
            depth += 1
            closing.append((depth, tok))
            i += 2
            continue
        if tok.is_op("{"):
            depth += 1
        elif tok.is_op("}"):
            if closing and closing[-1][0] == depth:
                closing.pop()
                depth -= 1
                i += 1
                continue
            depth -= 1
        out.append(tok)
        i += 1
    if closing and out[-1].kind == END:
        box = closing[-1][1]
        raise fail("missing_close", text, box.start, box.end + 1, expected="}", open="\\boxed{",
                   hint=f"missing `}}` to close the `\\boxed{{` at column {box.start + 1}")
    return out


def _claims(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Tokens split at top-level `\\Rightarrow` and `,`; each claim ends with an END token."""
    claims: list[list[Token]] = []
    current: list[Token] = []
    level = 0
    for tok in tokens:
        if tok.kind in (END, ERROR):
            current.append(tok)
            break
        if (tok.kind == OP and tok.value in OPEN_CLOSE) or tok.kind == CASES:
            level += 1
        elif (tok.kind == OP and tok.value in CLOSERS) or tok.kind == ENDCASES:
            level = max(level - 1, 0)
        separator = tok.is_op(",") or (tok.kind == NAME and tok.origin == "latex" and tok.value in _IMPLIES)
        if separator and level == 0:
            if not current:
                raise fail("unexpected_token", text, tok.start, tok.end, hint="a claim is missing before this")
            claims.append([*current, Token(END, "", tok.start, tok.start, space=True)])
            current = []
            continue
        current.append(tok)
    if current and current[0].kind == END:
        raise fail("unexpected_end", text, current[0].start, current[0].start, found="",
                   hint="a claim is missing at the end")
    claims.append(current)
    return claims


def _tokens(text: str, max_chars: int, max_tokens: int, author: bool = False) -> list[Token]:
    if len(text) > max_chars:
        raise fail("too_long", text, max_chars, len(text), found="", limit=max_chars, length=len(text))
    tokens = tokenize(text, max_tokens, author=author)
    if tokens[0].kind == END:
        raise fail("empty", text, 0, 0, found="", hint="type an expression")
    return tokens


def _guarded(text: str, tokens: list[Token], ctx: ParseContext, *, whole: bool = False) -> Parsed:
    start, end = (0, len(text)) if whole else (tokens[0].start, max(t.end for t in tokens if t.kind != END))
    own_budget = _may_time_box()
    try:
        with limits.time_limit(PARSE_SECONDS) if own_budget else nullcontext():
            parser = Parser(text, tokens, ctx)
            expr = Builder(text).top(parser.parse_all())
    except ParseError:
        raise
    except BudgetExceeded:
        if not own_budget:
            raise
        raise fail("too_long", text, start, end, found="", reason="time",
                   hint="this expression takes too long to read: write it more simply") from None
    except RecursionError:
        raise fail("too_deep", text, start, end, found="",
                   hint="the expression is nested too deeply") from None
    except Exception as err:  # a sympy surprise must still come back as a ParseError
        raise fail("not_allowed", text, start, end, found="",
                   hint=f"this expression cannot be evaluated ({type(err).__name__})") from None
    return Parsed(expr=expr, text=text[start:end], start=start, end=end, has_decimal=parser.has_decimal)


def _may_time_box() -> bool:
    """Our own SIGALRM budget only in the main thread, never over a caller's own interval timer,
    and only when the caller's grader budget (if any) would not run out first."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "getitimer"):
        return False
    outer = limits.remaining()
    if outer is None:
        return signal.getitimer(signal.ITIMER_REAL)[0] == 0
    return outer > PARSE_SECONDS


def _split(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Pieces between top-level `=`, each ending with an END token placed where the piece stops."""
    pieces: list[list[Token]] = []
    current: list[Token] = []
    level = 0
    leading = True  # one `=` (or `&=`) may open the chain: `= x^2 + 1`
    open_ifs = 0  # `if`s waiting for their `else`: the `=` in `1 if x = 0 else 0` compares
    for tok in tokens:
        if tok.kind == ERROR:
            current.append(tok)
            break
        if tok.kind == END:
            if not pieces and not current:
                raise fail("empty", text, 0, 0, found="", hint="type an expression after `=`")
            _close_piece(text, pieces, current, tok, last=True)
            return pieces
        if (tok.kind == OP and tok.value in OPEN_CLOSE) or tok.kind == CASES:
            level += 1
        elif (tok.kind == OP and tok.value in CLOSERS) or tok.kind == ENDCASES:
            level = max(level - 1, 0)
        if level == 0 and is_word(tok) and tok.value in ("if", "else"):
            open_ifs = max(open_ifs + (1 if tok.value == "if" else -1), 0)
        if tok.is_op("=") and level == 0 and not open_ifs:
            if current and current[-1].is_op("&"):  # LaTeX `&=` in an aligned derivation
                current.pop()
            if not (leading and not current):
                _close_piece(text, pieces, current, tok, last=False)
            leading = False
            current = []
            continue
        leading = leading and tok.is_op("&")  # the `&` of a leading `&=`
        current.append(tok)
    if current:
        pieces.append(current)
    return pieces


def _close_piece(text: str, pieces: list[list[Token]], current: list[Token], at: Token, *,
                 last: bool) -> None:
    # Problems become ERROR tokens, raised when parsing gets there: earlier pieces report first.
    if not current:
        err = fail("unexpected_end", text, at.start, at.start, found="",
                   hint="something is missing after the last `=`") if last else \
            fail("unexpected_token", text, at.start, at.end, hint="there is nothing between two `=`")
        pieces.append([Token(ERROR, "", err.offset, err.end or err.offset, error=err)])
        return
    if len(current) > MAX_TOKENS:
        extra = current[MAX_TOKENS]
        err = fail("too_many_tokens", text, extra.start, extra.end, limit=MAX_TOKENS)
        pieces.append([*current[:MAX_TOKENS], Token(ERROR, "", extra.start, extra.end, error=err)])
        return
    pieces.append([*current, Token(END, "", at.start, at.start, space=True)])
