"""Notation only sheet and solution authors may use (`ParseContext(author=True)`), never students.

- derivatives: `\\frac{d}{dx} f` (an operator on the factor that follows), `\\frac{du}{dx}`,
  `\\frac{d\\sigma}{dx}` (Leibniz), primes `\\sigma'(x)`, `\\tanh'(x)`, `\\text{ReLU}'(0)`, `N'`;
- limits: `\\lim_{h \\to 0^-} body` (also `\\rightarrow`, `0^+`, two-sided `0`);
- helper names written bare (`u` for u(x)): a `SheetFunction(..., bare=True)`;
- words: `\\text{any value between 0 and 1}` (a value known to lie in [0, 1]), `a \\text{or sometimes} b`
  (one of the values), and the label `\\text{(subgradient)}` after a `cases` condition;
- statements (`grader.parsing.parse_statement`): `A \\Rightarrow B`, `A, \\quad B`, `\\boxed{...}`.

The tokens come from the same lexer and the tree goes through the same Builder with its size and time
limits; the results are unevaluated sympy objects (Derivative, Limit, Subs) for the checker to evaluate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy

from grader.core.errors import ParseError
from grader.parsing.common import BP_COND, BP_MUL, NAME, OP, PRIME, TEXT, Token, fail
from grader.parsing.context import AnyBetween, OneOf, sheet_function, symbol
from grader.parsing.names import BUILTINS, CONSTANTS, KEYWORDS, split_known
from grader.parsing.nodes import Call, Choice, Diff, Lim, Neg, Node, Num, Var

if TYPE_CHECKING:
    from grader.parsing.build import Builder
    from grader.parsing.parser import Parser
    from grader.parsing.resolve import Resolved

_ARROWS = frozenset({"to", "rightarrow", "longrightarrow"})
_BETWEEN = re.compile(r"\(?\s*any value between (-?\d+(?:\.\d+)?) and (-?\d+(?:\.\d+)?)\s*\)?")
_ALTERNATIVE = re.compile(r"or(?: sometimes| possibly| else)?")
_LABELS = frozenset({"subgradient"})
# The variable of f'(a) at a point a: it cannot be typed (names starting with `_` are refused).
PRIME_VARIABLE = sympy.Symbol("_t", real=True)


# --- derivatives ------------------------------------------------------------------------------------


def primes(p: Parser) -> int:
    n = 0
    while p.peek().kind == PRIME:
        p.advance()
        n += 1
    return n


def bare_call(p: Parser, name: Token, r: Resolved, n_primes: int) -> Call | None:
    """A helper written without its argument (`u`, `N'`, `D^2`): applied to the first variable."""
    if r.sheet is None or not r.sheet.bare:
        return None
    if r.sheet.bare_only and (n_primes or p.peek().is_op("(")):
        _refuse_argument(p, name, n_primes)
    if p.peek().is_op("("):
        return None
    if p.peek().is_op("^"):
        _refuse_power_before_arguments(p, name)
    var = _first_variable(p, name)
    return Call(start=name.start, end=p.prev_end, func=r.name, sheet=True, primes=n_primes,
                args=[Var(start=name.end, end=name.end, name=var)])


def _refuse_argument(p: Parser, name: Token, n_primes: int) -> None:
    label = p.src(name.start, name.end)
    variables = p.names.ctx.variables or ()
    wrt = variables[1] if len(variables) > 1 else "w"
    raise fail("not_allowed", p.text, name.start, p.peek().end if not n_primes else p.prev_end,
               hint=f"with several variables `{label}` stands for its definition in all of them: write it "
                    f"without {'a prime' if n_primes else 'an argument'}, and a partial derivative as "
                    f"`\\frac{{\\partial {label}}}{{\\partial {wrt}}}`")


def _refuse_power_before_arguments(p: Parser, name: Token) -> None:
    """`N^2(x)` would read as N(x)^2 * x: refuse it."""
    toks, j = p.toks, p.i + 1
    if toks[j].is_op("{"):
        depth = 0
        while j < len(toks) - 1:
            depth += 1 if toks[j].is_op("{") else -1 if toks[j].is_op("}") else 0
            j += 1
            if depth == 0:
                break
    else:
        j += 2 if toks[j].is_op("-", "+") else 1
    if j < len(toks) and toks[j].is_op("(") and not toks[j].space:
        label = p.src(name.start, name.end)
        raise fail("unexpected_token", p.text, name.start, toks[j].end,
                   hint=f"write the power after the argument, e.g. `{label}(x)^2`, or `{label}^2` alone")


def split_helpers(p: Parser, tok: Token) -> Token:
    """`ND'` is N times D': a run of letters that means nothing else is split into helper names and
    variables, when it splits completely into them and holds a helper name."""
    names = p.names
    known = (names.sheet, CONSTANTS, BUILTINS, KEYWORDS, names.variables or {})
    if tok.origin != "" or len(tok.value) < 2 or any(tok.value in k for k in known):
        return tok
    helpers = {k for k, f in names.sheet.items() if f.bare}
    pieces = split_known(tok.value, helpers | set(names.variables or ()))
    if pieces is None or not helpers.intersection(pieces):
        return tok
    split: list[Token] = []
    at = tok.start
    for piece in pieces:
        split.append(Token(NAME, piece, at, at + len(piece), space=tok.space and not split))
        at += len(piece)
    p.toks[p.i:p.i + 1] = split
    return split[0]


def _first_variable(p: Parser, at: Token) -> str:
    variables = p.names.ctx.variables
    if not variables:
        raise fail("not_allowed", p.text, at.start, at.end, hint="this needs the sheet's variable")
    return variables[0]


def derivative_frac(p: Parser, frac: Token) -> Node | None:
    """`\\frac{d}{dx} f` or `\\frac{du}{dx}` (the \\frac token is consumed); None for any other fraction."""
    numer, j = _braced_names(p.toks, p.i)
    denom, k = _braced_names(p.toks, j) if numer is not None else (None, j)
    if numer is None or denom is None:
        return None
    return _derivative(p, frac, numer, denom, k, "\\frac{d}{dx}")


def slash_derivative(p: Parser, tok: Token) -> Node | None:
    """`d/dx f` or `du/dx` (tok is the name before the `/`); None when it is not one."""
    toks, i = p.toks, p.i
    if i + 2 >= len(toks) or not toks[i + 1].is_op("/") or toks[i + 2].kind != NAME or \
            not tok.value.startswith("d") or tok.origin != "":
        return None
    return _derivative(p, tok, [tok], [toks[i + 2]], i + 3, "d/dx")


def _derivative(p: Parser, first: Token, numer: list[Token], denom: list[Token], after: int,
                label: str) -> Node | None:
    var = _d_of(denom)
    target = _d_of(numer) if len(numer) > 1 or numer[0].value != "d" else ""
    if var is None or target is None:
        return None
    variables = p.names.ctx.variables
    if variables is not None and var not in variables:
        raise fail("unknown_name", p.text, first.start, p.toks[after - 1].end,
                   hint=f"differentiate with respect to the sheet's variable: {', '.join(variables)}")
    p.i = after
    if target:
        tok = Token(NAME, target, numer[-1].start, numer[-1].end, origin=numer[-1].origin)
        return Diff(start=first.start, end=p.prev_end, arg=_leibniz_target(p, tok, var), var=var, paren=True)
    arg = operand(p, first, label)
    return Diff(start=first.start, end=arg.end, arg=arg, var=var)


def _braced_names(toks: list[Token], i: int) -> tuple[list[Token] | None, int]:
    """The 1 or 2 name tokens of `{...}` starting at toks[i], and the index after the `}`."""
    if i >= len(toks) or not toks[i].is_op("{"):
        return None, i
    names: list[Token] = []
    j = i + 1
    while j < len(toks) and toks[j].kind == NAME and len(names) < 2:
        names.append(toks[j])
        j += 1
    if not names or j >= len(toks) or not toks[j].is_op("}"):
        return None, i
    return names, j + 1


def _d_of(names: list[Token]) -> str | None:
    """`dx` or `d x` -> "x"; anything else -> None."""
    if len(names) == 1 and len(names[0].value) > 1 and names[0].value.startswith("d") and names[0].origin == "":
        return names[0].value[1:]
    if len(names) == 2 and names[0].value == "d":
        return names[1].value
    return None


def _leibniz_target(p: Parser, tok: Token, var: str) -> Node:
    try:
        r = p.names.resolve(tok, p.text, p.peek(), None)
    except ParseError as err:
        if err.kind != "unknown_name":
            raise
        raise fail("unknown_name", p.text, tok.start, tok.end, found=tok.value,
                   hint=f"`{tok.value}` is not a variable, function or helper here: name it with `define: "
                        f"{{{tok.value}: '...'}}` in this step or an earlier one of the part") from None
    if r.kind == "var":
        return Var(start=tok.start, end=tok.end, name=r.name)
    if r.kind == "sheet" and r.sheet is not None and r.sheet.arity == 1:
        # du/dw is the derivative of the helper u itself (u written bare: at the first variable); a
        # function such as σ is taken at w. Taking u at w would put w for the first variable in its body.
        at = _first_variable(p, tok) if r.sheet.bare else var
        return Call(start=tok.start, end=tok.end, func=r.name, sheet=True,
                    args=[Var(start=tok.end, end=tok.end, name=at)])
    raise fail("not_allowed", p.text, tok.start, tok.end,
               hint="write `\\frac{d}{dx} f(x)` to differentiate this")


def operand(p: Parser, op: Token, label: str) -> Node:
    """What `\\frac{d}{dx}` or `\\lim_{...}` applies to: one factor, with its powers."""
    node = p.expr(BP_MUL)
    nxt = p.peek()
    if p.lbp(nxt) == BP_MUL:  # both fixes keep `op` and its operand apart from what follows, so parse
        alone, head = p.text[op.start:node.end], p.text[op.start:node.start].rstrip() or label
        raise fail("unexpected_token", p.text, op.start, nxt.end,
                   hint=f"ambiguous: does `{label}` apply to what follows too? If it does, put all it applies "
                        f"to in one pair of brackets, `{head}\\left(...\\right)`; if not, write "
                        f"`\\left({alone}\\right)`")
    return node


# --- limits -------------------------------------------------------------------------------------------


def limit(p: Parser, lim: Token) -> Lim:
    """`\\lim_{h \\to 0^-} body`; `h` is a variable inside the body only."""
    p.advance()
    shape = "write a limit as `\\lim_{h \\to 0^-} ...` (or `0^+`, or `0`)"
    _expect(p, lim, shape, "_")
    _expect(p, lim, shape, "{")
    var_tok = p.peek()
    if var_tok.kind != NAME or not re.fullmatch(r"[A-Za-z]", var_tok.value):
        raise fail("bad_latex", p.text, var_tok.start, var_tok.end, hint=shape)
    p.advance()
    arrow = p.peek()
    if not (arrow.kind == NAME and arrow.origin == "latex" and arrow.value in _ARROWS):
        raise fail("bad_latex", p.text, arrow.start, arrow.end, hint=shape)
    p.advance()
    negative = p.peek().is_op("-")
    if p.peek().is_op("-", "+"):
        p.advance()
    point = p.nud()
    if negative:
        point = Neg(start=point.start - 1, end=point.end, arg=point)
    side = ""
    if p.peek().is_op("^"):
        p.advance()
        braced = p.peek().is_op("{")
        if braced:
            p.advance()
        sign = p.peek()
        if not sign.is_op("+", "-"):
            raise fail("bad_latex", p.text, sign.start, sign.end, hint=shape)
        side = p.advance().value
        if braced:
            _expect(p, lim, shape, "}")
    _expect(p, lim, shape, "}")
    with _bound(p, var_tok.value):
        body = operand(p, lim, "\\lim")
    return Lim(start=lim.start, end=body.end, body=body, var=var_tok.value, point=point, side=side)


def _expect(p: Parser, at: Token, hint: str, op: str) -> None:
    tok = p.peek()
    if not tok.is_op(op):
        raise fail("bad_latex", p.text, at.start, max(tok.end, at.end), hint=hint)
    p.advance()


@contextmanager
def _bound(p: Parser, var: str) -> Iterator[None]:
    variables = p.names.variables
    added = variables is not None and var not in variables
    if added and variables is not None:
        variables[var] = var
    try:
        yield
    finally:
        if added and variables is not None:
            del variables[var]


# --- words --------------------------------------------------------------------------------------------


def phrase_value(p: Parser, tok: Token) -> Node:
    m = _BETWEEN.fullmatch(tok.value)
    if m is None:
        raise unknown_phrase(p, tok)
    p.advance()
    low, high = (Num(start=tok.start, end=tok.end, value=Fraction(g)) for g in m.groups())
    if low.value > high.value:
        raise fail("not_allowed", p.text, tok.start, tok.end, hint="the smaller value comes first")
    return Choice(start=tok.start, end=tok.end, kind="between", values=[low, high], paren=True)


def phrase_bp(tok: Token) -> int:
    return BP_COND if _ALTERNATIVE.fullmatch(tok.value) else 0


def alternative(p: Parser, left: Node, tok: Token) -> Node:
    p.advance()
    right = p.expr(BP_COND)
    values = left.values if isinstance(left, Choice) and left.kind == "one_of" else [left]
    return Choice(start=left.start, end=right.end, kind="one_of", values=[*values, right])


def skip_label(p: Parser) -> None:
    """`\\text{(subgradient)}` after a `cases` condition names the row; it changes no value."""
    tok = p.peek()
    if tok.kind == TEXT:
        if tok.value.strip("() ") not in _LABELS:
            raise unknown_phrase(p, tok)
        p.advance()


def unknown_phrase(p: Parser, tok: Token) -> ParseError:
    return fail("bad_latex", p.text, tok.start, tok.end,
                hint="these words cannot be checked: inside math only `\\text{any value between 0 and 1}`, "
                     "`a \\text{ or sometimes } b` and `\\text{(subgradient)}` after a `cases` condition are "
                     "understood; move other words to `say`")


def is_equals_condition(p: Parser, tok: Token) -> bool:
    """`x = 0` as a `cases` condition or the condition of `a if c else b`: `=` compares there."""
    return p.eq_compare and tok.kind == OP and tok.value == "="


# --- building -----------------------------------------------------------------------------------------


def build(b: Builder, node: Node) -> sympy.Basic:
    match node:
        case Diff(arg=arg, var=var):
            return sympy.Derivative(b.value(arg), symbol(var))
        case Lim(body=body, var=var, point=point, side=side):
            return sympy.Limit(b.value(body), symbol(var), b.value(point), dir=side or "+-")
        case Choice(kind="between", values=values):
            return AnyBetween(*[b.value(v) for v in values])
        case Choice(values=values):
            return OneOf(*[b.value(v) for v in values])
    raise AssertionError(f"unknown node {type(node).__name__}")


def primed(b: Builder, node: Call) -> sympy.Expr:
    """f'(a): the derivative of f at a (an unevaluated Derivative, or Subs at a point)."""
    if len(node.args) != 1 or node.func in ("piecewise", "where"):
        raise fail("not_allowed", b.text, node.start, node.end, hint="a prime needs a function of one argument")
    arg = b.value(node.args[0])
    t = PRIME_VARIABLE
    inner = sheet_function(node.func)(t) if node.sheet else b.builtin(node.func, [t], node)
    derivative = sympy.Derivative(inner, (t, node.primes))
    if isinstance(arg, sympy.Symbol):
        return derivative.subs(t, arg)
    return sympy.Subs(derivative, t, arg)
