"""Property tests: random expressions, rewritten equivalently or nudged by 1e-30, never misjudged."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.equivalence import compare

x = sympy.Symbol("x", real=True)
R = sympy.Rational

LEAVES = st.sampled_from([x, x, x, R(1), R(2), R(-1), R(1, 2), R(3, 7)])


def _combine(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    unary = st.sampled_from([
        sympy.exp, sympy.tanh, sympy.sinh, sympy.cosh, sympy.sin, sympy.cos, sympy.atan, sympy.Abs,
        lambda z: 1 / (1 + sympy.exp(-z)),
        lambda z: sympy.log(1 + z**2),
        lambda z: sympy.sqrt(1 + z**2),
        lambda z: sympy.Max(0, z),
        lambda z: sympy.Heaviside(z, 1) * z,
    ])
    binary = st.sampled_from([
        lambda p, q: p + q,
        lambda p, q: p * q,
        lambda p, q: p - q,
        lambda p, q: p / (1 + q**2),
    ])
    return st.one_of(
        st.builds(lambda f, e: f(e), unary, children),
        st.builds(lambda f, p, q: f(p, q), binary, children, children),
    )


EXPRS = st.recursive(LEAVES, _combine, max_leaves=6)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)


def _rewrite(e: sympy.Expr) -> sympy.Expr:
    """An equivalent form: hyperbolics as exp, then products expanded."""
    trig = e.has(sympy.sin, sympy.cos)
    out = e.rewrite(sympy.exp) if e.has(sympy.sinh, sympy.cosh, sympy.tanh) and not trig else e
    return sympy.expand(out) if sympy.count_ops(out) < 60 else out


@SETTINGS
@given(EXPRS)
def test_equivalent_rewrite_is_never_different(e: sympy.Expr) -> None:
    rewritten = _rewrite(e)
    d = compare(e, rewritten, [x], mode="both")
    assert d.verdict != "different", (e, rewritten, d)


@SETTINGS
@given(EXPRS)
def test_nudged_answer_is_never_equivalent(e: sympy.Expr) -> None:
    d = compare(e, e + R(1, 10**30), [x])
    assert d.verdict != "equivalent", (e, d)
    d = compare(e, e * (1 + R(1, 10**40)) + R(1, 10**45), [x])
    assert d.verdict != "equivalent", (e, d)


@SETTINGS
@given(EXPRS)
def test_same_input_same_decision(e: sympy.Expr) -> None:
    other = _rewrite(e) + x / 10**20
    assert compare(e, other, [x]) == compare(e, other, [x])
