"""Function application (`tanh(x)`, `sech^2 x`, `Piecewise(...)`) and the LaTeX constructs.

A paren-less argument (`sech x`, `tanh 2x`, `\\sin\\pi x`) is a tight product: factors with no
space between them, each with an optional power; a space ends it, so `sin x cos x` is
sin(x)*cos(x).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING

from grader.parsing import author_notation, syntax_errors
from grader.parsing.common import (
    BP_CMP,
    BP_COND,
    END,
    ENDCASES,
    FRAC,
    NAME,
    NUM,
    OP,
    OPEN_CLOSE,
    ROOT,
    ROWSEP,
    SQRT,
    Token,
    fail,
    is_word,
)
from grader.parsing.names import BUILTINS, CASE_WORDS, OTHERWISE
from grader.parsing.nodes import Bool, Call, Cond, Node, Num, Pow, Prod, Root

if TYPE_CHECKING:
    from grader.parsing.parser import Parser
    from grader.parsing.resolve import Resolved

_D_DX = r"\\[a-z]*frac\s*\{\s*(?:d|\\mathrm\{d\})\s*\}\s*\{\s*(?:d|\\mathrm\{d\})\s*[A-Za-z]\s*\}"


def application(p: Parser, name: Token, r: Resolved) -> Node:
    """`name` is a function: read its power, its argument(s), and check how many."""
    p.advance()
    primes = author_notation.primes(p) if p.author else 0
    bare = author_notation.bare_call(p, name, r, primes) if p.author else None
    if bare is not None:
        return bare
    label = p.src(name.start, name.end)
    power: int | None = None
    power_start = 0
    if p.peek().is_op("^"):
        power_start = p.peek().start
        power = function_power(p, name, label, r)
    base: Node | None = None
    if r.name == "log" and p.peek().is_op("_"):
        p.advance()
        base = latex_arg(p, name)
    tok = p.peek()
    lo, hi = _arity(r)
    if tok.is_op("("):
        args = call_args(p, piecewise=r.name == "piecewise" and not r.sheet)
    elif tok.is_op("[", "{") and r.name != "piecewise":
        args = [p.group()]
    elif lo <= 1:
        args = [tight_arg(p, name, label)]
        _power_in_argument(p, name, label, args[0], power)
    else:
        raise fail("missing_argument", p.text, name.start, name.end,
                   hint=f"`{label}` needs its arguments in brackets, e.g. `{label}(0, x)`")
    if base is not None:
        args.append(base)
    if not args:
        raise fail("missing_argument", p.text, name.start, p.prev_end, found=label,
                   hint=f"`{label}` needs an argument, e.g. `{label}(x)`")
    if len(args) < lo or (hi is not None and len(args) > hi):
        want = f"{lo}" if lo == hi else f"{lo} or more" if hi is None else f"{lo} or {hi}"
        raise fail("wrong_arity", p.text, name.start, p.prev_end, found=label, expected=want, got=len(args),
                   hint=f"`{label}` takes {want} argument{'s' if want != '1' else ''}, not {len(args)}")
    return Call(start=name.start, end=p.prev_end, func=r.name, args=args, sheet=r.sheet is not None,
                power=power, power_start=power_start, primes=primes)


def _power_in_argument(p: Parser, name: Token, label: str, arg: Node, power: int | None) -> None:
    """`sech x^2` and `1/cosh x^2`: the power may be on the argument or on the function; say both."""
    last = arg.factors[-1][1] if isinstance(arg, Prod) and arg.factors else arg
    if power is not None or not isinstance(last, Pow) or last.paren:
        return
    inner, base = p.src(arg.start, arg.end), p.src(arg.start, last.base.end)
    exp = p.src(last.exp.start, last.exp.end)
    raise fail("not_allowed", p.text, name.start, arg.end,
               hint=f"`{p.src(name.start, arg.end)}` is ambiguous: write `{label}({inner})` "
               f"or `{label}({base})^{exp}`")


def _arity(r: Resolved) -> tuple[int, int | None]:
    if r.sheet is not None:
        return r.sheet.arity, r.sheet.arity
    if r.builtin is not None:
        return r.builtin.min_args, r.builtin.max_args
    return 1, 1


def function_power(p: Parser, name: Token, label: str, r: Resolved) -> int:
    """`sech^2 x`, `tanh²(x)`, `\\tanh^{2}(x)`: a positive whole power written after the name."""
    caret = p.advance()
    closer = None
    if p.peek().is_op("(", "{"):
        closer = OPEN_CLOSE[p.advance().value]
    negative = False
    if p.peek().is_op("-", "+"):
        negative = p.advance().value == "-"
    tok = p.peek()
    ok = tok.kind == NUM and tok.number is not None and tok.number.denominator == 1 and not tok.decimal
    if ok:
        p.advance()
    if not ok or (closer is not None and not p.peek().is_op(closer)):
        raise fail("unexpected_token", p.text, caret.start, max(tok.end, caret.end + 1),
                   hint=f"write the power after the argument, e.g. `{label}(x)^2`")
    if closer is not None:
        p.advance()
    n = int(tok.value)
    if negative:
        inverse = "a" + r.name if ("a" + r.name) in BUILTINS else None
        what = f"`{inverse}(x)` for the inverse function or " if inverse and n == 1 else ""
        raise fail("not_allowed", p.text, name.start, p.prev_end,
                   hint=f"`{p.src(name.start, p.prev_end)}` is ambiguous (inverse function or reciprocal): "
                   f"write {what}"
                   f"`1/{label}(x){'' if n == 1 else f'^{n}'}` for the reciprocal")
    return n


def call_args(p: Parser, *, piecewise: bool) -> list[Node]:
    open_ = p.advance()
    saved, p.abs_depth = p.abs_depth, 0
    p.brackets += 1
    args: list[Node] = []
    while not p.peek().is_op(")"):
        args.append(pair(p) if piecewise else p.expr(0))
        if not p.peek().is_op(","):
            break
        p.advance()
    p.close(open_, ")")
    p.brackets -= 1
    p.abs_depth = saved
    return args


def pair(p: Parser) -> Node:
    """One `(value, condition)` of Piecewise."""
    tok = p.peek()
    if not tok.is_op("("):
        raise fail("unexpected_token", p.text, tok.start, tok.end,
                   hint="each piece of `Piecewise` is a pair `(value, condition)`, e.g. `(0, x < 0)`")
    open_ = p.advance()
    p.enter(open_)
    p.brackets += 1
    value = p.expr(0)
    if not p.peek().is_op(","):
        bad = p.peek()
        raise fail("unexpected_token" if bad.kind != END else "unexpected_end", p.text, bad.start, bad.end,
                   hint="each piece of `Piecewise` is a pair `(value, condition)`, e.g. `(0, x < 0)`")
    p.advance()
    cond = p.expr(0)
    close = p.close(open_, ")")
    p.brackets -= 1
    p.leave()
    return Cond(start=open_.start, end=close.end, pairs=[(value, cond)], paren=True)


def tight_start(p: Parser, tok: Token, *, first: bool) -> bool:
    if tok.kind in (NUM, FRAC, SQRT, ROOT):
        return first or tok.kind != NUM
    if tok.kind == NAME:
        return not is_word(tok)
    return first and tok.is_op("|")


def tight_arg(p: Parser, name: Token, label: str) -> Node:
    """The argument of `sech x`, `tanh 2x`, `ln|x|`: factors with no space between them."""
    tok = p.peek()
    if tok.is_op("-"):
        raise fail("missing_argument", p.text, name.start, name.end, found=label,
                   hint=f"put the argument in brackets, e.g. `{label}(-x)`")
    if not tight_start(p, tok, first=True):
        raise fail("missing_argument", p.text, name.start, name.end, found=label,
                   hint=f"`{label}` needs an argument, e.g. `{label}(x)`")
    p.enter(tok)
    factors: list[tuple[bool, Node]] = []
    while True:
        tok = p.peek()
        if factors and not tok.space and tok.is_op("(", "[", "{"):
            inner = p.src(factors[0][1].start, factors[-1][1].end)
            raise fail("unexpected_token", p.text, name.start, tok.end,
                       hint=f"ambiguous: write `{label}({inner}(...))` or `{label}({inner})*(...)`")
        if factors and (tok.space or not tight_start(p, tok, first=False)):
            break
        atom = p.nud()
        if p.peek().is_op("^"):
            atom = p.led_pow(atom)
        factors.append((False, atom))
    p.leave()
    if len(factors) == 1:
        return factors[0][1]
    return Prod(start=factors[0][1].start, end=factors[-1][1].end, factors=factors, paren=True)


def _split_first(p: Parser, tok: Token) -> None:
    """`\\frac12`, `\\frac ab` and `\\frac x2`: the first character alone is the argument; the rest
    becomes a number token (its leading digits) and a name token (what follows them)."""
    first = Token(tok.kind, tok.value[0], tok.start, tok.start + 1, space=tok.space, origin=tok.origin)
    if tok.kind == NUM:
        first.number = Fraction(int(first.value))
    pieces = [first]
    rest = tok.value[1:]
    digits = len(rest) - len(rest.lstrip("0123456789"))
    at = tok.start + 1
    if digits:
        pieces.append(Token(NUM, rest[:digits], at, at + digits, number=Fraction(int(rest[:digits]))))
    if rest[digits:]:
        pieces.append(Token(NAME, rest[digits:], at + digits, tok.end, origin=tok.origin))
    p.toks[p.i:p.i + 1] = pieces


def latex_arg(p: Parser, cmd: Token) -> Node:
    """One argument of `\\frac`, `\\sqrt` or `\\log_`: a `{...}` group or a single character."""
    tok = p.peek()
    if tok.is_op("{"):
        return p.group()
    if len(tok.value) > 1 and ((tok.kind == NUM and tok.value.isdigit())
                               or (tok.kind == NAME and tok.origin == "" and tok.value.isalnum()
                                   and tok.value.isascii() and tok.value[0].isalpha())):
        _split_first(p, tok)
    if tok.kind in (NUM, NAME, FRAC, SQRT) and not is_word(tok):
        return p.nud()
    name = p.src(cmd.start, cmd.end)
    raise fail("bad_latex", p.text, cmd.start, cmd.end,
               hint=f"`{name}` needs its arguments in braces, e.g. `\\frac{{1}}{{2}}`" if cmd.kind == FRAC
               else f"`{name}` needs its argument in braces, e.g. `{name}{{x}}`")


def frac(p: Parser) -> Node:
    tok = p.advance()
    derivative = author_notation.derivative_frac(p, tok) if p.author else None
    if derivative is not None:
        return derivative
    if re.match(_D_DX, p.text[tok.start:tok.start + 80]):
        raise fail("not_allowed", p.text, tok.start, tok.end,
                   hint="derivative notation like `\\frac{d}{dx}` is not allowed: type the derivative itself")
    p.enter(tok)
    numer = latex_arg(p, tok)
    denom = latex_arg(p, tok)
    p.leave()
    return Prod(start=tok.start, end=denom.end, factors=[(False, numer), (True, denom)], paren=True)


def latex_sqrt(p: Parser) -> Node:
    tok = p.advance()
    p.enter(tok)
    index: Node | None = None
    if p.peek().is_op("["):
        open_ = p.advance()
        p.brackets += 1
        index = p.expr(0)
        p.close(open_, "]")
        p.brackets -= 1
    arg = latex_arg(p, tok)
    p.leave()
    return Root(start=tok.start, end=arg.end, arg=arg, index=index, paren=True)


def unicode_root(p: Parser) -> Node:
    """`√x`, `√(x+1)`, `∛x`: brackets, or a tight product as for `sech x`."""
    tok = p.peek()
    label = p.src(tok.start, tok.end)
    p.advance()
    arg = p.group() if p.peek().is_op("(", "[", "{") else tight_arg(p, tok, label)
    index = None if tok.value == "2" else Num(start=tok.start, end=tok.end, value=Fraction(int(tok.value)))
    return Root(start=tok.start, end=arg.end, arg=arg, index=index, paren=True)


def cases(p: Parser) -> Node:
    """`\\begin{cases} 0 & x < 0 \\\\ 1 & \\text{otherwise} \\end{cases}` -> Piecewise."""
    begin = p.advance()
    p.enter(begin)
    pairs: list[tuple[Node, Node]] = []
    while True:
        tok = p.peek()
        if tok.kind == ENDCASES:
            end = p.advance()
            break
        if tok.kind == END or (tok.kind == OP and tok.value in (")", "]", "}")):
            raise syntax_errors.missing_close(p, begin, "\\end{cases}", tok)
        value = p.expr(BP_CMP)
        while p.peek().is_op(",", "&"):
            p.advance()
        tok = p.peek()
        if tok.kind == NAME and tok.value in CASE_WORDS and tok.origin in ("", "text"):
            p.advance()
            tok = p.peek()
        if tok.kind == NAME and tok.value in OTHERWISE and tok.origin in ("", "text"):
            p.advance()
            cond: Node = Bool(start=tok.start, end=tok.end, value=True)
        else:
            saved, p.eq_compare = p.eq_compare, True  # `x = 0` in a condition compares
            cond = p.expr(BP_COND)
            p.eq_compare = saved
        if p.author:
            author_notation.skip_label(p)
        while p.peek().is_op(","):
            p.advance()
        pairs.append((value, cond))
        tok = p.peek()
        if tok.kind == ROWSEP:
            p.advance()
        elif tok.kind != ENDCASES and tok.kind != END:
            raise fail("unexpected_token", p.text, tok.start, tok.end,
                       hint="rows of `cases` end with `\\\\`, the last one with `\\end{cases}`")
    p.leave()
    if not pairs:
        raise fail("bad_latex", p.text, begin.start, end.end, hint="`cases` needs at least one row")
    return Cond(start=begin.start, end=end.end, pairs=pairs, paren=True)

