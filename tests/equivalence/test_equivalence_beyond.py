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


# ---- radicals, constants, |.| of periodic functions: exact, and near misses refuted --------------

sqrt, R = sympy.sqrt, sympy.Rational
PHI30 = 930249 + 416020 * sqrt(5)
CLOSED = [
    # (A, B, words in the detail), all equal
    (sqrt(1 - sympy.cos(x) ** 2), abs(sympy.sin(x)), "squares agree"),
    (sqrt(1 - sympy.sin(x) ** 2), abs(sympy.cos(x)), "squares agree"),
    (sqrt(x**2 + 2 * x + 1), abs(x + 1), "squares agree"),
    (sqrt(5 + 2 * sqrt(6)), sqrt(2) + sqrt(3), "minimal polynomial t"),
    (PHI30 ** R(1, 30) - (930249 - 416020 * sqrt(5)) ** R(1, 30), sympy.Integer(1), "minimal polynomial t"),
    ((7 + 5 * sqrt(2)) ** R(1, 3), 1 + sqrt(2), "minimal polynomial t"),
    (sympy.atan(R(1, 2)) + sympy.atan(R(1, 3)), sympy.pi / 4, "arctangents"),
    (4 * sympy.atan(R(1, 5)) - sympy.atan(R(1, 239)), sympy.pi / 4, "arctangents"),
    (sympy.asin(R(3, 5)) + sympy.asin(R(4, 5)), sympy.pi / 2, "arctangents"),
    (sympy.acos(R(3, 5)), sympy.atan(R(4, 3)), "arctangents"),
]
TINY = R(1, 10**30)
NEAR_MISSES = [
    (sqrt(1 - sympy.cos(x) ** 2), sympy.sin(x)),  # the sign
    (sqrt(1 + sympy.cos(x) ** 2), abs(sympy.sin(x))),  # a wrong sign under the radical
    (sqrt(5 + 2 * sqrt(6)), sqrt(2) + sqrt(3) + TINY),
    (sqrt(5 - 2 * sqrt(6)), sqrt(2) + sqrt(3)),
    (PHI30 ** R(1, 30) - (930249 - 416020 * sqrt(5)) ** R(1, 30), 1 + TINY),
    ((2 + sqrt(3)) ** R(1, 3) + (2 - sqrt(3)) ** R(1, 3), sympy.Integer(1)),
    (sympy.atan(R(1, 2)) + sympy.atan(R(1, 3)), sympy.pi / 4 + TINY),
    (4 * sympy.atan(R(1, 5)) - sympy.atan(R(1, 239)), sympy.pi / 4 - TINY),
    (4 * sympy.atan(R(1, 5)) - sympy.atan(R(1, 240)), sympy.pi / 4),
]


@pytest.mark.parametrize(("lhs", "rhs", "words"), CLOSED, ids=[str(p[0])[:40] for p in CLOSED])
def test_radicals_constants_and_abs_are_proved(lhs: sympy.Expr, rhs: sympy.Expr, words: str) -> None:
    d = compare(lhs, rhs, (x,), mode="both")
    assert (d.verdict, d.method) == ("equivalent", "symbolic"), d
    assert words in d.detail


@pytest.mark.parametrize(("lhs", "rhs"), NEAR_MISSES, ids=[str(p[1])[:40] for p in NEAR_MISSES])
def test_near_misses_are_different(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    d = compare(lhs, rhs, (x,), mode="both")
    assert d.verdict == "different", d


def test_arctangent_sum_off_by_a_multiple_of_pi_is_different() -> None:
    """atan(2) + atan(3) is 3*pi/4, not -pi/4: the Gaussian product alone is the same."""
    assert compare(sympy.atan(2) + sympy.atan(3), -sympy.pi / 4, ()).verdict == "different"
    assert compare(sympy.atan(2) + sympy.atan(3), 3 * sympy.pi / 4, ()).verdict == "equivalent"


def test_nested_radical_in_a_variable_is_proved() -> None:
    """sqrt(2x sqrt(x^2+1) + 2x^2 + 1) = sqrt(x^2+1) + x for every real x: the difference is exactly 0
    at every point, so enclosures straddle 0; a denesting with a proof decides it (more in test_denest)."""
    lhs = sqrt(2 * x * sqrt(x**2 + 1) + 2 * x**2 + 1) - sqrt(x**2 + 1) - x
    d = compare(lhs, sympy.Integer(0), (x,), mode="both")
    assert (d.verdict, d.method) == ("equivalent", "symbolic") and "denested" in d.detail, d
    assert compare(lhs, TINY, (x,), mode="both").verdict == "different"
