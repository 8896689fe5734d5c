"""Exact proofs for constants: algebraic numbers by their minimal polynomial, and sums of
arctangents of rationals (Machin's 4 atan(1/5) - atan(1/239) = pi/4) by Gaussian rationals.

Both decide: the difference of two algebraic numbers is 0 exactly when its minimal polynomial is t;
and sum k_j atan(r_j) + c*pi is congruent mod 2*pi to the argument of
z = prod (1 + i r_j)^k_j * (1 + i)^(4c), so it is 0 exactly when z is a positive real and the
difference is smaller than 2*pi (an enclosure says so).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy
from mpmath.libmp import to_float

from grader.equivalence.compiler import compile_expr
from grader.equivalence.evaluate import evaluate_adaptive
from grader.equivalence.symbolic import Proof
from grader.equivalence.values import exact_root

MAX_ATAN_MULTIPLE = 64
MAX_ATAN_BITS = 64
Gauss = tuple[Fraction, Fraction]


def prove_constant(ref: sympy.Expr, ans: sympy.Expr) -> Proof:
    diff = ref - ans
    if _algebraic(ref) and _algebraic(ans):
        t = sympy.Dummy("t")
        poly = sympy.minimal_polynomial(_denest(diff), t)
        if poly == t:
            return Proof("equal", "symbolic", "the difference is an algebraic number with minimal polynomial t: 0")
        return Proof("different", "symbolic", f"the difference is a root of {poly.subs(t, sympy.Symbol('t'))},"
                     " its minimal polynomial, so it is not 0")
    return _atan_sum(diff)


def _denest(e: sympy.Expr) -> sympy.Expr:
    """Replace q-th roots of quadratic irrationals that are themselves quadratic irrationals
    ((930249 + 416020 sqrt(5))^(1/30) = (1 + sqrt(5))/2): a candidate from 60 digits and a small
    integer polynomial, kept only when c > 0 and c^q == base exactly. Minimal polynomials are then cheap."""
    found: dict[sympy.Expr, sympy.Expr] = {}
    for node in sympy.preorder_traversal(e):
        if isinstance(node, sympy.Pow) and isinstance(node.exp, sympy.Rational) and node.exp.p == 1 \
                and node.exp.q > 2 and not isinstance(node.base, sympy.Rational) and node not in found:
            c = _quadratic_root(node, int(node.exp.q))
            if c is not None:
                found[node] = c
    return e.xreplace(found) if found else e


def _quadratic_root(root: sympy.Expr, q: int) -> sympy.Expr | None:
    value = root.evalf(60)
    coeffs = mpmath.findpoly(mpmath.mpf(str(value)), 2, maxcoeff=10**6)
    if not coeffs:
        return None
    t = sympy.Dummy("t")
    for c in sympy.roots(sympy.Poly([int(k) for k in coeffs], t), filter="R"):
        if c.is_positive and abs(c.evalf(60) - value) < sympy.Rational(1, 10**40) \
                and sympy.expand(c**q - root.base) == 0:
            return c
    return None


def _algebraic(e: sympy.Expr) -> bool:
    """Rationals, + * /, and real roots of positive numbers only."""
    for node in sympy.preorder_traversal(e):
        if isinstance(node, (sympy.Rational, sympy.Add, sympy.Mul)):
            continue
        if isinstance(node, sympy.Pow) and isinstance(node.exp, sympy.Rational) \
                and (node.exp.is_Integer or node.base.is_positive is True):
            continue
        return False
    return True


def _atan_sum(diff: sympy.Expr) -> Proof:
    unknown = Proof("unknown", "symbolic", "no exact proof for this constant")
    z: Gauss = (Fraction(1), Fraction(0))
    pi_multiple = Fraction(0)
    for term in sympy.Add.make_args(sympy.expand(diff)):
        k, rest = term.as_coeff_Mul()
        if not isinstance(k, sympy.Rational):
            return unknown
        if rest is sympy.pi:
            pi_multiple += Fraction(int(k.p), int(k.q))
            continue
        r = _atan_argument(rest)
        if r is None or not k.is_Integer or abs(int(k)) > MAX_ATAN_MULTIPLE:
            return unknown
        z = _mul(z, _power((Fraction(1), r), int(k)))
    quarter = pi_multiple * 4
    if quarter.denominator != 1:
        return unknown
    z = _mul(z, _power((Fraction(1), Fraction(1)), int(quarter)))
    size = evaluate_adaptive(compile_expr(diff), {}, target_bits=8, max_prec=512)
    if not size.ok or size.value is None:
        return unknown
    lo, hi = size.interval()
    if z[1] == 0 and z[0] > 0:  # the difference is a multiple of 2*pi: 0 if it is below 6 in size
        if to_float(lo) > -6 and to_float(hi) < 6:
            return Proof("equal", "symbolic", "a sum of arctangents of rationals: the product of the Gaussian"
                         " numbers 1 + i*r is a positive real")
        return unknown
    return Proof("different", "symbolic", "a sum of arctangents of rationals whose Gaussian product is not a"
                 " positive real, so it is not a multiple of 2*pi")


def _atan_argument(e: sympy.Expr) -> Fraction | None:
    """r with e = atan(r), for atan, asin and acos of rationals whose tangent is rational."""
    if not isinstance(e, (sympy.atan, sympy.asin, sympy.acos)) or not isinstance(e.args[0], sympy.Rational):
        return None
    v = Fraction(int(e.args[0].p), int(e.args[0].q))
    if max(v.numerator.bit_length(), v.denominator.bit_length()) > MAX_ATAN_BITS:
        return None
    if isinstance(e, sympy.atan):
        return v
    if abs(v) >= 1:
        return None
    other = exact_root(1 - v * v, 2)  # cos of asin(v), sin of acos(v)
    if other is None or other == 0:
        return None
    if isinstance(e, sympy.asin):
        return v / other
    return other / v if v > 0 else None  # acos(v) = atan(other/v) only for v > 0


def _mul(a: Gauss, b: Gauss) -> Gauss:
    return (a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0])


def _power(a: Gauss, n: int) -> Gauss:
    if n < 0:
        norm = a[0] * a[0] + a[1] * a[1]
        a, n = (a[0] / norm, -a[1] / norm), -n
    out: Gauss = (Fraction(1), Fraction(0))
    for _ in range(n):
        out = _mul(out, a)
    return out
