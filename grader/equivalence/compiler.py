"""Compile a sympy expression once into nested closures (a tree walk; no text is ever run as code).

Each closure maps an `Env` to a value (exact Fraction or rigorous Interval) or raises Undefined,
Ambiguous or Overflow.  Piecewise branches are evaluated only when selected, so a branch that is
undefined elsewhere (log(x) for x > 0) does not poison the others.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache

import sympy

from grader.core import caches
from grader.equivalence import intervals as iv
from grader.equivalence.functions import FUNCS, guard_exp_arg
from grader.equivalence.intervals import Interval
from grader.equivalence.values import (
    F0,
    F1,
    Ambiguous,
    Env,
    EvalIssue,
    Fn,
    Overflow,
    Undefined,
    Unsupported,
    Val,
    exact_root,
    int_of,
    pow_val,
    register_constant_enclosure,
    require_nonzero,
    sign_of,
    small,
    to_iv,
    zero_sign,
)

MAX_INT_POWER = 100_000
Cond = Callable[[Env], bool]


def _cached_constant(fn: Fn) -> Fn:
    cache: dict[int, Val | EvalIssue] = {}

    def f(env: Env) -> Val:
        r = cache.get(env.prec)
        if r is None:
            try:
                r = fn(env)
            except EvalIssue as exc:
                r = exc
            cache[env.prec] = r
        if isinstance(r, EvalIssue):
            raise r
        return r

    return f


def _raise_undefined(env: Env) -> Val:
    raise Undefined


def _shared(fn: Fn) -> Fn:
    """A subexpression used more than once: evaluate it once per evaluation (per Env)."""
    key = object()

    def f(env: Env) -> Val:
        memo = env.memo
        r = memo.get(key)
        if r is None:
            r = memo[key] = fn(env)
        return r

    return f


def _count_nodes(e: sympy.Basic, counts: dict[sympy.Basic, int]) -> None:
    seen = counts.get(e, 0)
    counts[e] = seen + 1
    if not seen:
        for a in e.args:
            _count_nodes(a, counts)


class _Compiler:
    def __init__(self, root: sympy.Basic | None = None) -> None:
        self.memo: dict[sympy.Basic, Fn] = {}
        self.counts: dict[sympy.Basic, int] = {}
        if root is not None:
            _count_nodes(root, self.counts)

    def expr(self, e: sympy.Basic) -> Fn:
        fn = self.memo.get(e)
        if fn is None:
            fn = self._build(e)
            if not e.free_symbols and not isinstance(e, sympy.Rational):
                fn = _cached_constant(fn)
            elif self.counts.get(e, 0) > 1 and e.args:
                fn = _shared(fn)
            self.memo[e] = fn
        return fn

    def _build(self, e: sympy.Basic) -> Fn:
        if isinstance(e, sympy.Symbol):
            return lambda env: env.vals[e]
        if isinstance(e, sympy.Rational):
            c = Fraction(int(e.p), int(e.q))
            return lambda env: c
        if isinstance(e, sympy.Float):
            v = e._mpf_
            return lambda env: (v, v)
        if e is sympy.pi:
            return lambda env: iv.pi(env.prec)
        if e is sympy.E:
            return lambda env: iv.e(env.prec)
        if e in (sympy.zoo, sympy.oo, sympy.S.NegativeInfinity, sympy.nan):
            return _raise_undefined
        if isinstance(e, sympy.Add):
            return _add([self.expr(a) for a in e.args])
        if isinstance(e, sympy.Mul):
            return _mul([self.expr(a) for a in e.args])
        if isinstance(e, sympy.Pow):
            return self._pow(e)
        if isinstance(e, sympy.Piecewise):
            pieces = [(self.expr(pair.expr), self.cond(pair.cond)) for pair in e.args]
            return _piecewise(pieces)
        builder = FUNCS.get(type(e).__name__)
        if builder is not None:
            return builder(self, e)
        raise Unsupported(type(e).__name__)

    def _pow(self, e: sympy.Pow) -> Fn:
        base, ex = e.args
        bf = self.expr(base)
        if isinstance(ex, sympy.Integer):
            return _int_power(bf, base, int(ex))
        if isinstance(ex, sympy.Rational):
            return _rational_power(bf, base, int(ex.p), int(ex.q))
        return _general_power(bf, base, self.expr(ex), ex)

    def cond(self, c: sympy.Basic) -> Cond:
        if c is sympy.true:
            return lambda env: True
        if c is sympy.false:
            return lambda env: False
        if isinstance(c, sympy.And):
            parts = [self.cond(a) for a in c.args]
            return lambda env: all(p(env) for p in parts)
        if isinstance(c, sympy.Or):
            parts = [self.cond(a) for a in c.args]
            return lambda env: any(p(env) for p in parts)
        if isinstance(c, sympy.Not):
            inner = self.cond(c.args[0])
            return lambda env: not inner(env)
        test = _REL_TESTS.get(type(c).__name__)
        if test is None:
            raise Unsupported(type(c).__name__)
        diff = c.lhs - c.rhs
        dfn = self.expr(diff)
        return lambda env: test(zero_sign(dfn, diff, env, True))


_REL_TESTS: dict[str, Callable[[int], bool]] = {
    "StrictLessThan": lambda s: s < 0,
    "LessThan": lambda s: s <= 0,
    "StrictGreaterThan": lambda s: s > 0,
    "GreaterThan": lambda s: s >= 0,
    "Equality": lambda s: s == 0,
    "Unequality": lambda s: s != 0,
}


def _add(fns: list[Fn]) -> Fn:
    first, rest = fns[0], fns[1:]

    def f(env: Env) -> Val:
        acc = first(env)
        p = env.prec
        for g in rest:
            v = g(env)
            if isinstance(acc, Fraction) and isinstance(v, Fraction):
                acc = acc + v
                if not small(acc):
                    acc = to_iv(acc, p + 10)
            else:
                acc = iv.add(to_iv(acc, p + 10), to_iv(v, p + 10), p)
        return acc

    return f


def _mul(fns: list[Fn]) -> Fn:
    first, rest = fns[0], fns[1:]

    def f(env: Env) -> Val:
        vals = [first(env)] + [g(env) for g in rest]
        p = env.prec
        if any(isinstance(v, Fraction) and v == 0 for v in vals):
            return F0  # every factor is a finite real, so the product is exactly 0
        acc = vals[0]
        for v in vals[1:]:
            if isinstance(acc, Fraction) and isinstance(v, Fraction):
                acc = acc * v
                if not small(acc):
                    acc = to_iv(acc, p + 10)
            else:
                acc = iv.mul(to_iv(acc, p + 10), to_iv(v, p + 10), p)
        return acc

    return f


def _piecewise(pieces: list[tuple[Fn, Cond]]) -> Fn:
    def f(env: Env) -> Val:
        for val, cond in pieces:
            if cond(env):
                return val(env)
        raise Undefined

    return f


def _int_power(bf: Fn, base: sympy.Expr, n: int) -> Fn:
    def f(env: Env) -> Val:
        b = bf(env)
        if n < 0:
            require_nonzero(b, bf, base, env)
        if abs(n) > MAX_INT_POWER:
            raise Overflow
        return pow_val(b, n, env.prec)

    return f


def _rational_power(bf: Fn, base: sympy.Expr, p: int, q: int) -> Fn:
    """base**(p/q), q > 1: real only for base >= 0 (a negative base is non-real, as in sympy)."""

    def f(env: Env) -> Val:
        b = bf(env)
        s = sign_of(b)
        if s is None:
            s = zero_sign(bf, base, env, False)
            if s > 0:
                raise Ambiguous
        if s < 0:
            raise Undefined
        if s == 0:
            if p > 0:
                return F0
            raise Undefined
        prec = env.prec
        if isinstance(b, Fraction):
            r = exact_root(b, q)
            if r is not None:
                return pow_val(r, p, prec)
        root = iv.root(to_iv(b, prec + 10), q, prec + 10)
        return pow_val(root, p, prec)

    return f


def _general_power(bf: Fn, base: sympy.Expr, ef: Fn, ex: sympy.Expr) -> Fn:
    def f(env: Env) -> Val:
        b = bf(env)
        prec = env.prec
        sb = sign_of(b)
        if sb is None:
            sb = zero_sign(bf, base, env, False)
            if sb > 0:
                raise Ambiguous
        e = ef(env)
        n = int_of(e)
        if sb > 0 and (n is None or abs(n) > 64):
            if b == F1:
                return F1
            arg = iv.mul(to_iv(e, prec + 10), iv.log(to_iv(b, prec + 10), prec + 10), prec + 10)
            guard_exp_arg(arg)
            return iv.exp(arg, prec)
        if sb == 0:
            se = sign_of(e)
            if se is None:
                se = zero_sign(ef, ex, env, False)
            if se > 0:
                return F0
            if se == 0:
                return F1  # sympy's convention 0**0 = 1
            raise Undefined
        if n is None:
            if isinstance(e, Fraction) or iv.excludes_integers(e):
                raise Undefined
            val = ex.xreplace(env.exact)
            if isinstance(val, sympy.Integer):
                n = int(val)
            elif isinstance(val, sympy.Rational):
                raise Undefined
            else:
                raise Ambiguous
        if abs(n) > MAX_INT_POWER:
            raise Overflow
        return pow_val(b, n, prec)

    return f


@lru_cache(maxsize=1024)
def compile_expr(expr: sympy.Basic) -> Fn:
    """Compile once (cached: the same reference is compared against many answers)."""
    return _Compiler(expr).expr(expr)


caches.register("equivalence.compiled", compile_expr)


def _enclose_constant(value: sympy.Expr, prec: int) -> Interval:
    return to_iv(compile_expr(value)(Env({}, prec)), prec)


register_constant_enclosure(_enclose_constant)
