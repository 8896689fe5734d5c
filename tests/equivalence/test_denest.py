"""Nested square roots in a variable: denested only with a proof, near misses still refuted."""

from __future__ import annotations

from typing import Literal

import pytest
import sympy

from grader.equivalence import compare
from grader.equivalence.denest import denest, nonnegative

x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
sqrt, R = sympy.sqrt, sympy.Rational
TINY = R(1, 10**30)
S1, S3, SM = sqrt(x**2 + 1), sqrt(x**2 + 3), sqrt(x - 1)
ISSUE = sqrt(2 * x * S1 + 2 * x**2 + 1) - S1 - x

TRUE = [
    # (A, B), each (R)^2 = radicand by hand, and the sign of R as stated
    (ISSUE, sympy.Integer(0)),  # R = x + sqrt(x^2+1) > 0
    (sqrt(4 * x**2 + 4 * x * S3 + x**2 + 3), abs(2 * x + S3)),  # 2x + sqrt(x^2+3) < 0 for x < -1
    (sqrt(x + 2 * SM), SM + 1),
    (sqrt(x - 2 * SM), abs(SM - 1)),
    (sqrt(x**4 + x**2 + 1 + 2 * x**2 * S1), x**2 + S1),
    (sqrt(x**2 + 2 - 2 * S1), S1 - 1),  # sqrt(x^2+1) >= 1
    ((2 * x * S1 + 2 * x**2 + 1) ** R(3, 2), (x + S1) ** 3),
    (sqrt(x**2 + y**2 + 2 + 2 * sqrt(x**2 + y**2 + 1)) - sqrt(x**2 + y**2 + 1), sympy.Integer(1)),
]
NEAR = [
    (sqrt(-2 * x * S1 + 2 * x**2 + 1) - S1 - x, sympy.Integer(0)),  # a wrong sign under the radical
    (ISSUE, TINY),
    (sqrt(2 * x * S1 + 2 * x**2 + 1 + TINY) - S1 - x, sympy.Integer(0)),
    (sqrt(sympy.expand((x - S1) ** 2)), x - S1),  # that R is negative
    (sqrt((x - S1) ** 2), x - S1),
    (sqrt(4 * x**2 + 4 * x * S3 + x**2 + 3), 2 * x + S3),
    (sqrt(x - 2 * SM), SM - 1),
    (sqrt(x**2 + 2 - 2 * S1), 1 - S1),
]


@pytest.mark.parametrize(("lhs", "rhs"), TRUE, ids=[str(p[0])[:40] for p in TRUE])
@pytest.mark.parametrize("mode", ["both", "reference"])
def test_nested_radicals_are_proved(lhs: sympy.Expr, rhs: sympy.Expr, mode: Literal["both", "reference"]) -> None:
    d = compare(lhs, rhs, (x, y), mode=mode)
    assert (d.verdict, d.method) != ("equivalent", "numeric"), d
    assert d.verdict == "equivalent", d


@pytest.mark.parametrize(("lhs", "rhs"), NEAR, ids=[str(p[1])[:40] for p in NEAR])
def test_near_misses_stay_different(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert compare(lhs, rhs, (x,), mode="both").verdict == "different"


def test_the_issue_case_says_what_was_proved() -> None:
    d = compare(ISSUE, sympy.Integer(0), (x,), mode="both")
    assert (d.verdict, d.method) == ("equivalent", "symbolic"), d
    assert "denested" in d.detail and "expands to the radicand" in d.detail and "= 1 >= 0" in d.detail


def test_rewrites_need_a_proof() -> None:
    same, notes = denest(sqrt(x + sqrt(x)))  # x^2 - x is not a square: no candidate
    assert notes == [] and same == sqrt(x + sqrt(x))
    flipped, _ = denest(sqrt(sympy.expand((x - S1) ** 2)))
    assert flipped == S1 - x  # R = x - sqrt(x^2+1) < 0: -R is the one proved >= 0
    kept, notes = denest(sqrt(4 * x**2 + 4 * x * S3 + x**2 + 3))
    assert kept == abs(2 * x + S3) and "not proved" in notes[0]  # R changes sign at x = -1: |R|
    positive, _ = denest(sqrt(x**2 + 2 - 2 * S1))
    assert positive == S1 - 1


@pytest.mark.parametrize(("p", "want"), [
    (x**2 - 2 * x + 1, True), (x**2 + x + 1, True), (x**4 + 1, True), (sympy.Integer(0), True),
    (x**2 - 1, False), (-(x**2), False), (x**3, False), (x**2 + y**2, True), (x**2 - y**2, False),
])
def test_nonnegative_polynomials(p: sympy.Expr, want: bool) -> None:
    assert nonnegative(sympy.Poly(p, x, y)) is want
