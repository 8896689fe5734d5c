"""Student text (plain math, Python-ish, unicode or LaTeX) -> sympy objects, or a ParseError.

Text is never code: a tokenizer and a Pratt parser build a small tree, sizes are checked, and
only then are sympy objects constructed directly. Nothing here evaluates strings.
"""

from __future__ import annotations

import signal
import threading
from contextlib import nullcontext

from grader import limits
from grader.errors import BudgetExceeded, ParseError
from grader.limits import MAX_ANSWER_CHARS, MAX_DERIVATION_CHARS, MAX_TOKENS
from grader.parsing.build import Builder
from grader.parsing.common import CASES, CLOSERS, END, ENDCASES, ERROR, OP, OPEN_CLOSE, Token, fail
from grader.parsing.context import ParseContext, Parsed, SheetFunction, sheet_function, symbol
from grader.parsing.names import KNOWN_FUNCTIONS
from grader.parsing.parser import Parser
from grader.parsing.tokens import tokenize

__all__ = [
    "KNOWN_FUNCTIONS",
    "ParseContext",
    "Parsed",
    "SheetFunction",
    "parse",
    "parse_chain",
    "sheet_function",
    "symbol",
]

_DEFAULT = ParseContext()
# Last-resort wall-clock bound on one parse; the size checks keep real answers far below it.
PARSE_SECONDS = 1.0
# A derivation may hold as many tokens as its share of characters allows.
_CHAIN_TOKENS = MAX_TOKENS * (MAX_DERIVATION_CHARS // MAX_ANSWER_CHARS)


def parse(text: str, ctx: ParseContext = _DEFAULT) -> Parsed:
    """One expression; a plain `=` is an error. Raises ParseError (and nothing else)."""
    tokens = _tokens(text, MAX_ANSWER_CHARS, MAX_TOKENS)
    return _guarded(text, tokens, ctx, whole=True)


def parse_chain(text: str, ctx: ParseContext = _DEFAULT) -> list[Parsed]:
    """`a = b = c` (a leading `=` is allowed) -> one Parsed per piece, offsets into `text`."""
    tokens = _tokens(text, MAX_DERIVATION_CHARS, _CHAIN_TOKENS)
    return [_guarded(text, piece, ctx) for piece in _split(text, tokens)]


def _tokens(text: str, max_chars: int, max_tokens: int) -> list[Token]:
    if len(text) > max_chars:
        raise fail("too_long", text, max_chars, len(text), found="", limit=max_chars, length=len(text))
    tokens = tokenize(text, max_tokens)
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
    leading = True  # one `=` may open the chain: `= x^2 + 1`
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
        if tok.is_op("=") and level == 0:
            if current and current[-1].is_op("&"):  # LaTeX `&=` in an aligned derivation
                current.pop()
            if not (leading and not current):
                _close_piece(text, pieces, current, tok, last=False)
            leading = False
            current = []
            continue
        leading = False
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
