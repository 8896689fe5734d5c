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
