"""Proofs for expressions with kinks (Abs, sign, Heaviside, Max, Min, Piecewise), one variable.

With every kink and domain point known exactly, each switch argument keeps one sign on every open
interval between consecutive points.  On such an interval the expression equals a smooth
"specialisation" (Abs(g) -> g or -g, Heaviside(g) -> 0 or 1, Piecewise -> the active branch, ...),
found by evaluating the switch arguments at one interior point.  The specialisations are compared
with the rational-function prover; the finitely many special points are checked exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import sympy

from grader.core import limits
from grader.equivalence.compiler import compile_expr
from grader.equivalence.evaluate import evaluate_adaptive
from grader.equivalence.kinks import distinct_in_order, domain_points, kinks_and_completeness, switch_args
from grader.equivalence.symbolic import Proof, prove_identity
from grader.equivalence.values import sign_of

_SWITCHES = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.Piecewise)


class _Undefined(Exception):
    """The expression is undefined on the whole interval."""


class _Fail(Exception):
    """Could not specialise (sign undecidable)."""


def has_switches(expr: sympy.Basic) -> bool:
    return bool(expr.has(*_SWITCHES))


def _sign_at(g: sympy.Expr, var: sympy.Symbol, p: sympy.Expr) -> int:
    out = evaluate_adaptive(compile_expr(g), {var: p}, target_bits=64, max_prec=2048)
    if out.kind == "undefined":
        raise _Undefined
    if out.kind != "value" or out.value is None:
        raise _Fail
    s = sign_of(out.value)
    if s is None:
        raise _Fail
    return s


def _cond_at(c: sympy.Basic, var: sympy.Symbol, p: sympy.Expr) -> bool:
    if c is sympy.true or c is sympy.false:
        return bool(c)
    if isinstance(c, sympy.And):
        return all(_cond_at(a, var, p) for a in c.args)
    if isinstance(c, sympy.Or):
        return any(_cond_at(a, var, p) for a in c.args)
    if isinstance(c, sympy.Not):
        return not _cond_at(c.args[0], var, p)
    tests: dict[str, Callable[[int], bool]] = {
        "StrictLessThan": lambda s: s < 0, "LessThan": lambda s: s <= 0,
        "StrictGreaterThan": lambda s: s > 0, "GreaterThan": lambda s: s >= 0,
        "Equality": lambda s: s == 0, "Unequality": lambda s: s != 0,
    }
    test = tests.get(type(c).__name__)
    if test is None:
        raise _Fail
    return test(_sign_at(c.lhs - c.rhs, var, p))


def specialize(e: sympy.Basic, var: sympy.Symbol, p: sympy.Expr) -> sympy.Expr:
    """The smooth expression equal to e on the open interval containing p (raises _Undefined)."""
    limits.check()
    if not e.args or not has_switches(e):
        return e
    if isinstance(e, sympy.Piecewise):
        for pair in e.args:
            if _cond_at(pair.cond, var, p):
                return specialize(pair.expr, var, p)
        raise _Undefined
    if isinstance(e, sympy.Abs):
        inner = specialize(e.args[0], var, p)
        return inner if _sign_at(e.args[0], var, p) >= 0 else -inner
    if isinstance(e, sympy.sign):
        return sympy.Integer(_sign_at(e.args[0], var, p))
    if isinstance(e, sympy.Heaviside):
        s = _sign_at(e.args[0], var, p)
        if s == 0:
            return specialize(e.args[1], var, p) if len(e.args) > 1 else sympy.Rational(1, 2)
        return sympy.Integer(1 if s > 0 else 0)
    if isinstance(e, (sympy.Max, sympy.Min)):
        best = e.args[0]
        for other in e.args[1:]:
            s = _sign_at(other - best, var, p)
            if (s > 0) if isinstance(e, sympy.Max) else (s < 0):
                best = other
        return specialize(best, var, p)
    return e.func(*[specialize(a, var, p) for a in e.args])


def _points(ref: sympy.Expr, ans: sympy.Expr, var: sympy.Symbol) -> list[sympy.Expr] | None:
    """Zeros of the switch arguments and the edges of their own domains (where a sign may flip)."""
    tables = [kinks_and_completeness(ref, var), kinks_and_completeness(ans, var)]
    tables += [domain_points(g, var) for g in dict.fromkeys(switch_args(ref) + switch_args(ans))]
    pts: list[sympy.Expr] = []
    for found, complete in tables:
        if not complete or any(k.free_symbols for k in found):
            return None
        pts.extend(found)
    return list(distinct_in_order(pts))


def prove_piecewise(
    ref: sympy.Expr,
    ans: sympy.Expr,
    var: sympy.Symbol,
    mode: str,
    point_check: Callable[[sympy.Expr], bool],
) -> Proof:
    """Prove ref == ans interval by interval; point_check(k) must certify each special point k."""
    pts = _points(ref, ans, var)
    if pts is None:
        return Proof("unknown", "piecewise", "not every kink could be located exactly")
    interiors: list[sympy.Expr] = []
    if not pts:
        interiors.append(sympy.Integer(0))
    else:
        interiors.append(sympy.floor(pts[0]) - 1 if pts[0].is_Rational else pts[0] - 1)
        interiors.extend((a + b) / 2 for a, b in itertools.pairwise(pts))
        interiors.append(pts[-1] + 1)
    methods: set[str] = set()
    proved = 0
    for p in interiors:
        try:
            sr = specialize(ref, var, p)
        except _Undefined:
            continue
        except _Fail:
            return Proof("unknown", "piecewise", "a branch could not be decided")
        try:
            sa = specialize(ans, var, p)
        except _Undefined:
            if mode == "both":
                continue
            return Proof("unknown", "piecewise", "the answer is undefined on a whole interval")
        except _Fail:
            return Proof("unknown", "piecewise", "a branch could not be decided")
        res = prove_identity(sr, sa)
        if res.verdict != "equal":
            return Proof("unknown", "piecewise", "no symbolic proof on one interval")
        methods.add(res.method)
        proved += 1
    for k in pts:
        if not point_check(k):
            return Proof("unknown", "piecewise", f"the value at {var} = {k} is not certified exactly")
    pieces = f"{proved} interval{'s' if proved != 1 else ''}"
    where = f" and at {len(pts)} kink/boundary point{'s' if len(pts) != 1 else ''}" if pts else ""
    return Proof("equal", "piecewise", f"equal as {'/'.join(sorted(methods))} functions on each of {pieces}"
                 f" between kinks{where}")
