"""Real zeros of a univariate expression, exactly where possible.

Polynomials of degree <= 2 (any coefficients for degree 1) are solved exactly, higher degrees by
factoring and isolating intervals (rational approximations within 1e-45); monotone functions are
inverted (exp, log, sinh, tanh, atan, cosh, Abs, powers); polynomials in exp(x/q) are solved in
t = exp(x/q); expressions containing Abs/Max/Min/Heaviside/sign/Piecewise are split into their
branches.  Each answer says whether the list is complete.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import sympy

from grader.core import limits
from grader.equivalence import intervals as iv
from grader.equivalence.compiler import compile_expr
from grader.equivalence.values import Env, EvalIssue, Unsupported, to_iv

Roots = tuple[list[sympy.Expr], bool]
_ZERO_AT_ZERO = ("sinh", "tanh", "atan", "asinh", "sin", "tan", "asin", "atanh")
APPROX_EPS = sympy.Rational(1, 10**45)


def walk(expr: sympy.Basic) -> Iterator[sympy.Basic]:
    yield expr
    for a in expr.args:
        yield from walk(a)


def _sign_of_number(v: sympy.Expr) -> int | None:
    """Sign of a constant, decided by rigorous interval evaluation; None if unknown or not real."""
    if isinstance(v, sympy.Rational):
        return int(v.p > 0) - int(v.p < 0)
    try:
        fn = compile_expr(v)
        for prec in (80, 300, 1200):
            val = to_iv(fn(Env({}, prec)), prec)
            if iv.is_pos(val):
                return 1
            if iv.is_neg(val):
                return -1
            if iv.is_zero(val):
                return 0
    except (EvalIssue, Unsupported):
        return None
    return 0 if v == 0 else None


def _poly_roots(n: sympy.Expr, var: sympy.Symbol) -> Roots:
    p = sympy.Poly(n, var)
    deg = p.degree()
    if deg <= 0:
        return [], True
    if deg > 60:
        return [], False
    coeffs = p.all_coeffs()
    numeric = all(not c.free_symbols for c in coeffs)
    if deg == 1:
        return [-coeffs[1] / coeffs[0]], True
    if not numeric:
        return [], False
    if deg == 2:
        a, b, c = coeffs
        disc = b * b - 4 * a * c
        s = _sign_of_number(disc)
        if s is None:
            return [], False
        if s < 0:
            return [], True
        if s == 0:
            return [-b / (2 * a)], True
        r = sympy.sqrt(disc)
        return [(-b - r) / (2 * a), (-b + r) / (2 * a)], True
    if not all(isinstance(c, sympy.Rational) for c in coeffs):
        return [], False
    roots: list[sympy.Expr] = []
    complete = True
    for factor, _mult in sympy.factor_list(p)[1]:
        limits.check()
        if factor.degree() <= 2:
            r, ok = _poly_roots(factor.as_expr(), var)
            roots += r
            complete &= ok
        else:
            complete = False  # approximate roots: sampled around, but not exact
            for (a, b), _m in factor.intervals(eps=APPROX_EPS):
                roots.append((sympy.Rational(a) + sympy.Rational(b)) / 2)
    return roots, complete


def _invert(name: str, inner: sympy.Expr, v: sympy.Expr, var: sympy.Symbol, depth: int) -> Roots:
    """Zeros of f(inner) - v for a monotone (or even) f."""
    numeric = not v.free_symbols

    def sub(target: sympy.Expr) -> Roots:
        return zeros(inner - target, var, depth + 1)

    if name == "exp":
        if numeric and _sign_of_number(v) != 1:
            return [], _sign_of_number(v) is not None
        return sub(sympy.log(v))
    if name == "log":
        return sub(sympy.exp(v))
    if name == "cosh":
        s = _sign_of_number(v - 1) if numeric else 1
        if s is None:
            return [], False
        if s < 0:
            return [], True
        if s == 0:
            return sub(sympy.Integer(0))
        r1, ok1 = sub(sympy.acosh(v))
        r2, ok2 = sub(-sympy.acosh(v))
        return r1 + r2, ok1 and ok2
    if name == "Abs":
        s = _sign_of_number(v) if numeric else 1
        if s is None:
            return [], False
        if s < 0:
            return [], True
        if s == 0:
            return sub(sympy.Integer(0))
        r1, ok1 = sub(v)
        r2, ok2 = sub(-v)
        return r1 + r2, ok1 and ok2
    if name in ("sinh", "asinh", "atan", "tanh"):
        inverse = {"sinh": sympy.asinh, "asinh": sympy.sinh, "atan": sympy.tan, "tanh": sympy.atanh}[name]
        if numeric and name in ("atan", "tanh"):
            bound = sympy.pi / 2 if name == "atan" else sympy.Integer(1)
            s1, s2 = _sign_of_number(bound - v), _sign_of_number(bound + v)
            if s1 is None or s2 is None:
                return [], False
            if s1 <= 0 or s2 <= 0:
                return [], True
        return sub(inverse(v))
    return [], False


def _power_inverse(
    base: sympy.Expr, k: sympy.Rational, v: sympy.Expr, var: sympy.Symbol, depth: int
) -> Roots:
    if v.free_symbols:
        return [], False
    s = _sign_of_number(v)
    if s is None:
        return [], False
    if isinstance(k, sympy.Integer):
        n = int(k)
        if n % 2 == 1:
            r = sympy.Abs(v) ** sympy.Rational(1, n)
            return zeros(base - (r if s >= 0 else -r), var, depth + 1)
        if s < 0:
            return [], True
        r = v ** sympy.Rational(1, n)
        a, ok1 = zeros(base - r, var, depth + 1)
        b, ok2 = zeros(base + r, var, depth + 1)
        return a + b, ok1 and ok2
    if s < 0 or k < 0:
        return [], s < 0
    return zeros(base - v ** (1 / k), var, depth + 1)


def _exp_poly(n: sympy.Expr, var: sympy.Symbol, depth: int) -> Roots:
    """Zeros of a polynomial in exp(x/q) (hyperbolics rewritten as exp)."""
    g = n.rewrite(sympy.exp) if n.has(sympy.sinh, sympy.cosh, sympy.tanh) else n
    exps = [a for a in g.atoms(sympy.exp) if var in a.free_symbols]
    if not exps:
        return [], False
    parts = []
    for a in exps:
        d, cx = a.args[0].as_independent(var, as_Add=True)
        c = cx / var
        if not isinstance(c, sympy.Rational):
            return [], False
        parts.append((a, d, c))
    q = math.lcm(*(int(c.q) for _a, _d, c in parts))
    t = sympy.Dummy("t", positive=True)
    g = g.xreplace({a: sympy.exp(d) * t ** (c * q) for a, d, c in parts})
    if var in g.free_symbols:
        return [], False
    num = sympy.together(g).as_numer_denom()[0]
    troots, ok = zeros(num, t, depth + 1)
    roots = [q * sympy.log(r) for r in troots if _sign_of_number(r) == 1]
    return roots, ok


def _sign_class(g: sympy.Basic) -> int:
    """2: obviously > 0, 1: obviously >= 0, 0: unknown (a cheap syntactic test, no assumptions)."""
    if isinstance(g, sympy.Rational):
        return 2 if g > 0 else (1 if g == 0 else 0)
    if g is sympy.E or g is sympy.pi:
        return 2
    name = type(g).__name__
    if name in ("exp", "cosh", "sech"):
        return 2
    if name == "Abs":
        return 1
    if isinstance(g, sympy.Pow):
        b, e = g.args
        if isinstance(e, sympy.Integer) and e % 2 == 0:
            return max(1, _sign_class(b))
        return _sign_class(b)
    if isinstance(g, (sympy.Add, sympy.Mul)):
        classes = [_sign_class(a) for a in g.args]
        if min(classes) == 0:
            return 0
        if isinstance(g, sympy.Mul):
            return min(classes)
        return max(classes)
    return 0


_TOTAL = ("exp", "sinh", "cosh", "tanh", "sech", "atan", "asinh", "sin", "cos", "Abs", "sign", "Heaviside",
          "Max", "Min")


def is_total(expr: sympy.Basic) -> bool:
    """Obviously defined (real and finite) for every real value of the variables (cheap, syntactic)."""
    if isinstance(expr, (sympy.Symbol, sympy.Rational)) or expr is sympy.pi or expr is sympy.E:
        return True
    if isinstance(expr, (sympy.Add, sympy.Mul)) or type(expr).__name__ in _TOTAL:
        return all(is_total(a) for a in expr.args)
    if isinstance(expr, sympy.Pow):
        b, e = expr.args
        if not (is_total(b) and is_total(e)):
            return False
        if isinstance(e, sympy.Integer):
            return bool(e > 0) or _sign_class(b) == 2 or _sign_class(-b) == 2
        return _sign_class(b) == 2
    if type(expr).__name__ == "log":
        return is_total(expr.args[0]) and _sign_class(expr.args[0]) == 2
    return False


def _first_switch(g: sympy.Basic) -> sympy.Basic | None:
    for node in walk(g):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.Piecewise)):
            return node
    return None


def _zeros_by_branches(g: sympy.Expr, node: sympy.Basic, var: sympy.Symbol, depth: int) -> Roots:
    """Zeros of g are among the zeros of g with `node` replaced by each of its possible values
    (Abs(h) -> h, -h; Max -> each argument; Heaviside -> 0, 1, its value at 0; Piecewise -> each
    branch).  The switch points of `node` itself are kinks found separately."""
    if isinstance(node, sympy.Abs):
        options = [node.args[0], -node.args[0]]
    elif isinstance(node, sympy.sign):
        options = [sympy.Integer(v) for v in (-1, 0, 1)]
    elif isinstance(node, sympy.Heaviside):
        options = [sympy.Integer(0), sympy.Integer(1), node.args[1] if len(node.args) > 1 else sympy.Rational(1, 2)]
    elif isinstance(node, sympy.Piecewise):
        options = [pair.expr for pair in node.args]
    else:
        options = list(node.args)
    if len(options) > 8:
        return [], False
    roots: list[sympy.Expr] = []
    complete = True
    for option in options:
        r, ok = zeros(g.xreplace({node: option}), var, depth + 1)
        roots += r
        complete &= ok
    return roots, complete


def zeros(g: sympy.Expr, var: sympy.Symbol, depth: int = 0) -> Roots:
    limits.check()
    if var not in g.free_symbols:
        return [], True
    if _sign_class(g) == 2 or _sign_class(-g) == 2:
        return [], True
    inner = _first_switch(g)
    if inner is not None:
        return _zeros_by_branches(g, inner, var, depth)
    if depth > 6:
        return [], False
    if isinstance(g, sympy.Mul):
        roots, ok = [], True
        for f in g.args:
            r, c = zeros(f, var, depth + 1)
            roots += r
            ok &= c
        return roots, ok
    if isinstance(g, sympy.Pow):
        b, e = g.args
        if e.is_number:
            return ([], True) if e.is_negative else zeros(b, var, depth + 1)
        return zeros(b, var, depth + 1)
    name = type(g).__name__
    if name in ("exp", "cosh", "sech"):
        return [], True
    if name == "log":
        return zeros(g.args[0] - 1, var, depth + 1)
    if name in ("Abs", "sign"):
        return zeros(g.args[0], var, depth + 1)
    if name in _ZERO_AT_ZERO and name not in ("sin", "tan"):
        return zeros(g.args[0], var, depth + 1)
    num, den = g.as_numer_denom()
    if var in den.free_symbols and num != g:
        return zeros(num, var, depth + 1)
    if num.is_polynomial(var):
        return _poly_roots(num, var)
    if isinstance(num, sympy.Add):
        dep = [a for a in num.args if var in a.free_symbols]
        if len(dep) == 1:
            rest = num - dep[0]
            coeff, core = dep[0].as_independent(var, as_Add=False)
            v = -rest / coeff
            if isinstance(core, sympy.Pow) and isinstance(core.args[1], sympy.Rational):
                return _power_inverse(core.args[0], core.args[1], v, var, depth)
            if isinstance(core, sympy.Function) and len(core.args) == 1:
                return _invert(type(core).__name__, core.args[0], v, var, depth)
    return _exp_poly(num, var, depth)
