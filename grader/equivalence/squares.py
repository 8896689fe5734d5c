"""A proof for two sides that are never negative, such as sqrt(1 - cos(x)^2) and |sin(x)|.

If A >= 0 and B >= 0 wherever they are defined, then A^2 = B^2 gives A = B there. The squares of
such sides lose their square roots and absolute values (sqrt(E)^2 = E where sqrt(E) is defined,
|F|^2 = F^2), so the rational-function prover can compare them; no kink needs locating.
"""

from __future__ import annotations

import sympy

from grader.equivalence.piecewise import has_switches
from grader.equivalence.symbolic import Proof, prove_identity

HALF = sympy.Rational(1, 2)


def square(e: sympy.Expr) -> sympy.Expr | None:
    """e**2 without the root or |.| on top, when e is visibly >= 0 wherever defined; else None."""
    if isinstance(e, sympy.Rational):
        return e**2 if e >= 0 else None
    if isinstance(e, sympy.Abs):
        return e.args[0] ** 2
    if isinstance(e, sympy.exp):
        return sympy.exp(2 * e.args[0])
    if isinstance(e, sympy.Pow):
        base, ex = e.args
        if isinstance(ex, sympy.Rational) and ex.q == 2:  # E^(p/2): a power of sqrt(E) >= 0
            return base ** int(ex.p)
        if isinstance(ex, sympy.Integer):
            if int(ex) % 2 == 0:
                return base ** (2 * int(ex))
            inner = square(base)
            return None if inner is None else inner ** int(ex)
        return None
    if isinstance(e, sympy.Mul):
        parts = [square(f) for f in e.args]
        if any(p is None for p in parts):
            return None
        return sympy.Mul(*parts)
    return None


def _has_root_or_abs(e: sympy.Expr) -> bool:
    return e.has(sympy.Abs) or any(isinstance(p.exp, sympy.Rational) and p.exp.q == 2 for p in e.atoms(sympy.Pow))


def prove_by_squares(a: sympy.Expr, b: sympy.Expr) -> Proof:
    if not (_has_root_or_abs(a) or _has_root_or_abs(b)):
        return Proof("unknown", "symbolic", "not two sides >= 0")
    sa, sb = square(a), square(b)
    if sa is None or sb is None or has_switches(sa) or has_switches(sb):
        return Proof("unknown", "symbolic", "not two sides >= 0")
    inner = prove_identity(sa, sb)
    if inner.verdict != "equal":
        return Proof("unknown", "symbolic", "the squares were not proved equal")
    return Proof("equal", "symbolic", f"both sides are >= 0 and their squares agree ({inner.detail})")
