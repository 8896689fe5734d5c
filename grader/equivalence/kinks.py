"""Where an expression may be non-smooth or change its domain, as exact points.

Kinks are the real zeros of "switch arguments": Piecewise condition boundaries (lhs - rhs), the
arguments of Heaviside/sign/Abs, and pairwise differences of Max/Min arguments.  Domain points are
zeros of denominators, of log/sqrt/fractional-power arguments, and edges of asin/acos/acosh/atanh.

Zeros are found exactly for polynomials of degree <= 2 (any coefficients for degree 1), through
monotone functions (exp, log, sinh, tanh, atan, odd powers, ...), and for polynomials in exp(x/q);
other zeros are approximated (higher-degree polynomials) or given up, and the result says whether
the list is complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache

import sympy
from mpmath.libmp import to_rational

from grader.core import caches
from grader.equivalence import intervals as iv
from grader.equivalence.compiler import compile_expr
from grader.equivalence.roots import is_total, walk, zeros
from grader.equivalence.values import Env, EvalIssue, Unsupported, to_iv

__all__ = ["domain_args", "domain_points", "find_kinks", "is_total", "kinks_and_completeness", "switch_args",
           "unsolved_domain_args", "unsolved_switch_args"]

_SWITCH = ("Heaviside", "sign", "Abs")


def _relationals(cond: sympy.Basic) -> Iterator[sympy.Basic]:
    if isinstance(cond, sympy.core.relational.Relational):
        yield cond
    elif isinstance(cond, (sympy.And, sympy.Or, sympy.Not)):
        for a in cond.args:
            yield from _relationals(a)


def switch_args(expr: sympy.Basic) -> list[sympy.Expr]:
    """Expressions whose sign change switches a discontinuous or non-smooth primitive."""
    out: list[sympy.Expr] = []
    for node in walk(expr):
        name = type(node).__name__
        if isinstance(node, sympy.Piecewise):
            for pair in node.args:
                out.extend(r.lhs - r.rhs for r in _relationals(pair.cond))
        elif name in _SWITCH:
            out.append(node.args[0])
        elif name in ("Max", "Min"):
            args = node.args
            out.extend(args[i] - args[j] for i in range(len(args)) for j in range(i + 1, len(args)))
    return out


def domain_args(expr: sympy.Basic) -> list[sympy.Expr]:
    """Expressions whose zero is a pole or an edge of the domain."""
    out: list[sympy.Expr] = []
    for node in walk(expr):
        name = type(node).__name__
        if isinstance(node, sympy.Pow):
            b, e = node.args
            if not (isinstance(e, sympy.Integer) and e > 0):
                out.append(b)
        elif name in ("log", "coth", "csch", "cot", "csc"):
            out.append(node.args[0])
        elif name in ("asin", "acos", "atanh"):
            out.extend((node.args[0] - 1, node.args[0] + 1))
        elif name == "acosh":
            out.append(node.args[0] - 1)
    return out


def numeric_key(r: sympy.Expr) -> Fraction | None:
    """An exact sort key (the value, or a 300-bit approximation for irrational constants)."""
    if isinstance(r, sympy.Rational):
        return Fraction(int(r.p), int(r.q))
    try:
        val = to_iv(compile_expr(r)(Env({}, 300)), 300)
    except (EvalIssue, Unsupported):
        return None
    if not (iv.finite(val[0]) and iv.finite(val[1])):
        return None
    return Fraction(*to_rational(iv.midpoint(val, 300)))


def distinct_in_order(roots: list[sympy.Expr]) -> tuple[sympy.Expr, ...]:
    """The roots without repeats: numeric ones in increasing order, then symbolic ones as found."""
    numeric: dict[sympy.Expr, Fraction] = {}
    symbolic: list[sympy.Expr] = []
    for r in roots:
        if r in numeric or r in symbolic:
            continue
        if r.free_symbols:
            symbolic.append(r)
            continue
        key = numeric_key(r)
        if key is not None:
            numeric[r] = key
    ordered = sorted(numeric, key=lambda r: (numeric[r], sympy.default_sort_key(r)))
    return tuple(ordered) + tuple(sorted(symbolic, key=sympy.default_sort_key))


def _zeros_of_all(
    args: list[sympy.Expr], var: sympy.Symbol
) -> tuple[tuple[sympy.Expr, ...], bool, tuple[sympy.Expr, ...]]:
    """All zeros found, whether that is all of them, and the arguments not (exactly) solved."""
    roots: list[sympy.Expr] = []
    unsolved: list[sympy.Expr] = []
    for g in dict.fromkeys(args):
        try:
            r, ok = zeros(g, var)
        except (sympy.PolynomialError, sympy.polys.polyerrors.PolificationFailed, ValueError, TypeError):
            r, ok = [], False
        roots += r
        if not ok:
            unsolved.append(g)
    return distinct_in_order(roots), not unsolved, tuple(unsolved)


@lru_cache(maxsize=1024)
def _kinks(expr: sympy.Basic, var: sympy.Symbol) -> tuple[tuple[sympy.Expr, ...], bool, tuple[sympy.Expr, ...]]:
    return _zeros_of_all(switch_args(expr), var)


@lru_cache(maxsize=1024)
def _domain(expr: sympy.Basic, var: sympy.Symbol) -> tuple[tuple[sympy.Expr, ...], bool, tuple[sympy.Expr, ...]]:
    return _zeros_of_all(domain_args(expr), var)


caches.register("equivalence.kinks", _kinks)
caches.register("equivalence.domain_edges", _domain)


def kinks_and_completeness(expr: sympy.Basic, var: sympy.Symbol) -> tuple[tuple[sympy.Expr, ...], bool]:
    found, complete, _ = _kinks(expr, var)
    return found, complete


def domain_points(expr: sympy.Basic, var: sympy.Symbol) -> tuple[tuple[sympy.Expr, ...], bool]:
    found, complete, _ = _domain(expr, var)
    return found, complete


def unsolved_switch_args(expr: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Expr, ...]:
    """Switch arguments whose zeros were not all found exactly."""
    return _kinks(expr, var)[2]


def unsolved_domain_args(expr: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Expr, ...]:
    """Domain arguments (denominators, log/sqrt arguments, ...) whose zeros were not all found."""
    return _domain(expr, var)[2]


def find_kinks(expr: sympy.Basic, var: sympy.Symbol) -> tuple[sympy.Expr, ...]:
    """Points where expr may be non-smooth in var: exact where possible, real ones only.

    Numeric kinks come first in increasing order; kinks depending on other variables follow.
    Degree >= 3 polynomial zeros are rational approximations within 1e-45.
    """
    return kinks_and_completeness(expr, var)[0]
