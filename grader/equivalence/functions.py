"""Builders for named functions (exp, log, Abs, sign, Heaviside, Max, Min, hyperbolic, trig, inverse).

Each builder takes the compiler (for its arguments) and the sympy node, and returns a closure.
Exact shortcuts keep values exact where the result is rational (exp(0) = 1, asin(0) = 0, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

import sympy
from mpmath.libmp import mpf_cmp

from grader.equivalence import intervals as iv
from grader.equivalence.intervals import Interval
from grader.equivalence.values import (
    F0,
    F1,
    Ambiguous,
    Env,
    Fn,
    Overflow,
    Undefined,
    Val,
    sign_of,
    to_iv,
    zero_sign,
)

EXP_LIMIT = iv.from_int_iv(2**20)[0]  # |argument| of exp/sinh/cosh beyond which we report overflow
NEG_EXP_LIMIT = iv.from_int_iv(-(2**20))[0]
TRIG_LIMIT = iv.from_int_iv(2**40)[0]  # |argument| of sin/cos/tan beyond which we report overflow


class _Compiler(Protocol):
    def expr(self, e: sympy.Basic) -> Fn: ...


Builder = Callable[[_Compiler, Any], Fn]


def guard_exp_arg(a: Interval) -> None:
    if mpf_cmp(a[1], EXP_LIMIT) > 0 or mpf_cmp(a[0], NEG_EXP_LIMIT) < 0:
        raise Overflow


def _unary(
    func: Callable[[Interval, int], Interval],
    at_zero: Fraction | None,
    guard: Callable[[Interval], None] | None = None,
) -> Builder:
    def build(c: _Compiler, e: Any) -> Fn:
        af = c.expr(e.args[0])

        def f(env: Env) -> Val:
            a = af(env)
            if isinstance(a, Fraction):
                if a == 0 and at_zero is not None:
                    return at_zero
                a = to_iv(a, env.prec + 10)
            if guard is not None:
                guard(a)
            return func(a, env.prec)

        return f

    return build


def _guard_trig(a: Interval) -> None:
    if mpf_cmp(iv.absval(a)[1], TRIG_LIMIT) > 0:
        raise Overflow


def _rewrite(make: Callable[[sympy.Expr], sympy.Expr]) -> Builder:
    """sec, csc, cot, sech, csch, coth: compile an unevaluated rewrite (exact zero checks included)."""

    def build(c: _Compiler, e: Any) -> Fn:
        return c.expr(make(e.args[0]))

    return build


def _inv(x: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(x, -1, evaluate=False)


def _build_log(c: _Compiler, e: Any) -> Fn:
    arg = e.args[0]
    af = c.expr(arg)

    def f(env: Env) -> Val:
        a = af(env)
        s = sign_of(a)
        if s is None:
            if zero_sign(af, arg, env, False) <= 0:
                raise Undefined
            raise Ambiguous
        if s <= 0:
            raise Undefined
        if a == F1:
            return F0
        return iv.log(to_iv(a, env.prec + 10), env.prec)

    return f


def _bounded(
    func: Callable[[Interval, int], Interval], low: int | None, high: int | None, open_ends: bool,
    exact_at: dict[int, Fraction],
) -> Builder:
    """Functions defined on [low, high] (open interval if open_ends): asin, acos, acosh, atanh."""

    def build(c: _Compiler, e: Any) -> Fn:
        arg = e.args[0]
        af = c.expr(arg)

        def f(env: Env) -> Val:
            a = af(env)
            if not isinstance(a, Fraction):
                lo, hi = a
                lo_ok = low is None or mpf_cmp(lo, iv.from_int_iv(low)[0]) > 0
                hi_ok = high is None or mpf_cmp(hi, iv.from_int_iv(high)[0]) < 0
                if lo_ok and hi_ok:
                    return func(a, env.prec)
                val = arg.xreplace(env.exact)
                if not isinstance(val, sympy.Rational):
                    if (low is not None and mpf_cmp(hi, iv.from_int_iv(low)[0]) < 0) or (
                        high is not None and mpf_cmp(lo, iv.from_int_iv(high)[0]) > 0
                    ):
                        raise Undefined
                    raise Ambiguous
                a = Fraction(int(val.p), int(val.q))
            if (low is not None and a < low) or (high is not None and a > high):
                raise Undefined
            if a in (low, high) and open_ends:
                raise Undefined
            if a in exact_at:
                return exact_at[int(a)]
            return func(to_iv(a, env.prec + 10), env.prec)

        return f

    return build


def _build_abs(c: _Compiler, e: Any) -> Fn:
    af = c.expr(e.args[0])

    def f(env: Env) -> Val:
        a = af(env)
        return abs(a) if isinstance(a, Fraction) else iv.absval(a)

    return f


def _build_sign(c: _Compiler, e: Any) -> Fn:
    arg = e.args[0]
    af = c.expr(arg)
    return lambda env: Fraction(zero_sign(af, arg, env, True))


def _build_heaviside(c: _Compiler, e: Any) -> Fn:
    arg = e.args[0]
    af = c.expr(arg)
    at_zero = c.expr(e.args[1]) if len(e.args) > 1 else (lambda env: Fraction(1, 2))

    def f(env: Env) -> Val:
        s = zero_sign(af, arg, env, True)
        if s > 0:
            return F1
        if s < 0:
            return F0
        return at_zero(env)

    return f


def _build_minmax(is_max: bool) -> Builder:
    def build(c: _Compiler, e: Any) -> Fn:
        fns = [c.expr(a) for a in e.args]

        def f(env: Env) -> Val:
            vals = [g(env) for g in fns]
            if all(isinstance(v, Fraction) for v in vals):
                return max(vals) if is_max else min(vals)
            ivs = [to_iv(v, env.prec + 10) for v in vals]
            return iv.maximum(ivs) if is_max else iv.minimum(ivs)

        return f

    return build


def _tan(a: Interval, prec: int) -> Interval:
    _guard_trig(a)
    r = iv.tan(a, prec)
    if not (iv.finite(r[0]) and iv.finite(r[1])):
        raise Ambiguous
    return r


FUNCS: dict[str, Builder] = {
    "exp": _unary(iv.exp, F1, guard_exp_arg),
    "log": _build_log,
    "Abs": _build_abs,
    "sign": _build_sign,
    "Heaviside": _build_heaviside,
    "Max": _build_minmax(True),
    "Min": _build_minmax(False),
    "sinh": _unary(iv.sinh, F0, guard_exp_arg),
    "cosh": _unary(iv.cosh, F1, guard_exp_arg),
    "tanh": _unary(iv.tanh, F0),
    "sech": _rewrite(lambda a: _inv(sympy.cosh(a))),
    "csch": _rewrite(lambda a: _inv(sympy.sinh(a))),
    "coth": _rewrite(lambda a: sympy.Mul(sympy.cosh(a), _inv(sympy.sinh(a)), evaluate=False)),
    "sin": _unary(iv.sin, F0, _guard_trig),
    "cos": _unary(iv.cos, F1, _guard_trig),
    "tan": _unary(_tan, F0),
    "sec": _rewrite(lambda a: _inv(sympy.cos(a))),
    "csc": _rewrite(lambda a: _inv(sympy.sin(a))),
    "cot": _rewrite(lambda a: sympy.Mul(sympy.cos(a), _inv(sympy.sin(a)), evaluate=False)),
    "asin": _bounded(iv.asin, -1, 1, False, {0: F0}),
    "acos": _bounded(iv.acos, -1, 1, False, {1: F0}),
    "atan": _unary(iv.atan, F0),
    "erf": _unary(iv.erf, F0),
    "asinh": _unary(iv.asinh, F0),
    "acosh": _bounded(iv.acosh, 1, None, False, {1: F0}),
    "atanh": _bounded(iv.atanh, -1, 1, True, {0: F0}),
}
