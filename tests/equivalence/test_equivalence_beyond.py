"""Beyond the first sheets: many variables, special points of real powers, big exponents, radicals."""

from __future__ import annotations

import string

import pytest
import sympy

from grader.equivalence import compare

NAMES = [sympy.Symbol(n, real=True) for n in string.ascii_letters]


# ---- any number of variables ------------------------------------------------------------------

@pytest.mark.parametrize("n", [8, 9, 10, 26, 40])
def test_many_variables_are_compared(n: int) -> None:
    vs = NAMES[:n]
    total = sympy.Add(*vs)
    same = compare(total, sympy.Add(*reversed(vs)) * 1, vs, mode="both")
    assert same.verdict == "equivalent", same
    off = compare(total, total + vs[-1] ** 2 - vs[-1] ** 2 + sympy.Rational(1, 3) * vs[-1] * (vs[-1] - 1), vs)
    assert off.verdict == "different", off
    assert off.counterexample is not None and len(off.counterexample.point) == n


def test_disjoint_variable_sets() -> None:
    """The issue's crash: ten names, five on each side."""
    left, right = NAMES[21:26], NAMES[:3] + NAMES[26:28]
    d = compare(sympy.Add(*left), sympy.Add(*right), left + right, mode="both")
    assert d.verdict == "different" and d.counterexample is not None
    assert len(d.counterexample.point) == 10


# ---- special points: real powers of negative bases --------------------------------------------

a, b, c, d = NAMES[:4]
half = sympy.Rational(1, 2)

# (A, B): equal almost everywhere, but not at some point where both are real
SPECIAL_DIFFERENT = [
    ((a**b) ** c, a ** (b * c)),
    ((a**2) ** b, a ** (2 * b)),
    ((a**b) ** (1 / b), a),
    (sympy.sqrt(a**b), a ** (b / 2)),
    ((a**b) ** (c * d), a ** (b * c * d)),
    ((a ** (2 * b)) ** c, a ** (2 * b * c)),
    ((a**b) ** c * d, a ** (b * c) * d),
]
# and identities that hold wherever both sides are real: the special points must not refute them
SPECIAL_EQUIVALENT = [
    ((a**b) ** 2, a ** (2 * b)),
    (a**b * a**c, a ** (b + c)),
    ((a * b) ** c, a**c * b**c),
    ((a**c) ** b, (a**b) ** c),
    (a**b * a, a ** (b + 1)),
]


@pytest.mark.parametrize(("lhs", "rhs"), SPECIAL_DIFFERENT, ids=[str(p[0]) for p in SPECIAL_DIFFERENT])
def test_special_points_refute(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    d = compare(lhs, rhs, NAMES[:4], mode="both")
    assert d.verdict == "different", d
    assert d.counterexample is not None
    point = {NAMES[[n.name for n in NAMES].index(k)]: sympy.Rational(v) for k, v in d.counterexample.point}
    # a real point where both sides are defined and differ, checked here by sympy's exact arithmetic
    lv, rv = lhs.xreplace(point), rhs.xreplace(point)
    assert lv.is_real and rv.is_real and lv != rv, (point, lv, rv)
    assert d.counterexample.expected == str(lv) and d.counterexample.got == str(rv)


@pytest.mark.parametrize(("lhs", "rhs"), SPECIAL_EQUIVALENT, ids=[str(p[0]) for p in SPECIAL_EQUIVALENT])
def test_special_points_keep_identities(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert compare(lhs, rhs, NAMES[:4], mode="both").verdict == "equivalent"


def test_the_issues_counterexample_is_printed_exactly() -> None:
    d = compare((a**b) ** c, a ** (b * c), (a, b, c), mode="both")
    assert d.verdict == "different"
    assert d.counterexample is not None
    assert d.counterexample.point == (("a", "-1"), ("b", "2"), ("c", "1/2"))
    assert (d.counterexample.expected, d.counterexample.got) == ("1", "-1")


# ---- big exponents on sums: evaluated, and proved with the power as an atom, never expanded --------

x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
BIG = [
    ((x - a) ** 6000, (a - x) ** 6000, "equivalent", "symbolic"),
    ((x - a) ** 6001, (a - x) ** 6001, "different", "numeric-refutation"),
    ((x + 1) ** 5000 - x * (x + 1) ** 4999, (x + 1) ** 4999, "equivalent", "symbolic"),
    ((x + y) ** 2000 * (x - y) ** 2000, (x**2 - y**2) ** 2000, "equivalent", "symbolic"),
    ((x + y) ** 2000 * (x - y) ** 2000, (x**2 + y**2) ** 2000, "different", "numeric-refutation"),
    ((x + 1) ** 9999 * (x + 2), (x + 1) ** 10000 + (x + 1) ** 9999, "equivalent", "symbolic"),
    ((x + 1) ** 9999 * (x + 2), (x + 1) ** 10000 + (x + 1) ** 9998, "different", "numeric-refutation"),
    (258552 * x**7 * (81 * x**8 + 1) ** 398, x**3 * (x**4 + 1) ** 399, "different", "numeric-refutation"),
    ((x**2 + 1) ** 3000, (x**2 + 1) ** 3000 + sympy.Rational(1, 10**20), "different", "numeric-refutation"),
    ((2 * x + 2) ** 3000, 2**3000 * (x + 1) ** 3000, "equivalent", "symbolic"),
    (1 / (x**2 + 1) ** 4000, (x**2 + 1) ** -4000, "equivalent", "identical"),
    ((x**2 + 1) ** -4000 * (x**2 + 1), (x**2 + 1) ** -3999, "equivalent", "identical"),
]


@pytest.mark.parametrize(("lhs", "rhs", "want", "method"), BIG, ids=[str(p[1])[:40] for p in BIG])
def test_big_exponents_are_decided(lhs: sympy.Expr, rhs: sympy.Expr, want: str, method: str) -> None:
    d = compare(lhs, rhs, (x, y, a), mode="both")
    assert (d.verdict, d.method) == (want, method), d
    if method == "symbolic":  # by the prover (the power an atom), not by sympy's simplify
        assert "same rational function of" in d.detail, d.detail
