"""Values, evaluation environments and exact sign decisions shared by the compiled closures.

A value is either an exact `Fraction` (kept while the arithmetic stays rational and small) or an
`Interval` enclosure.  Exactness matters at kinks: x - 1/1000 at x = 1/1000 is exactly 0, so the
branch of Heaviside(x - 1/1000) is decided without any rounding question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy
from mpmath.libmp import fzero, mpf_sign

from grader.core import caches
from grader.equivalence import intervals as iv
from grader.equivalence.intervals import Interval

Val = Fraction | Interval
EXACT_BITS = 4096  # rationals bigger than this become intervals
SIDE_DELTA = sympy.Rational(1, 10**40)  # "just to the side" of a point, for one-sided limits
F0 = Fraction(0)
F1 = Fraction(1)


class EvalIssue(Exception):
    """Evaluation did not produce a number."""


class Undefined(EvalIssue):
    """The expression is certainly not a real number at this point."""


class Ambiguous(EvalIssue):
    """More precision (or exact arithmetic) is needed to decide."""


class Overflow(EvalIssue):
    """A value too large (or too small) to evaluate sensibly, e.g. exp(exp(exp(800)))."""


class Unsupported(Exception):
    """The expression uses something the evaluator does not know."""


_iv_cache: dict[tuple[Fraction, int], Interval] = {}
caches.register("equivalence.fraction_intervals", _iv_cache)


def to_iv(v: Val, prec: int) -> Interval:
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return iv.from_int_iv(v.numerator)
        key = (v, prec)
        hit = _iv_cache.get(key)
        if hit is None:
            if len(_iv_cache) > 50_000:
                _iv_cache.clear()
            hit = _iv_cache[key] = iv.from_fraction(v.numerator, v.denominator, prec)
        return hit
    return v


def small(f: Fraction) -> bool:
    return f.numerator.bit_length() + f.denominator.bit_length() <= EXACT_BITS


def sign_of(v: Val) -> int | None:
    """Sign when certain from the value alone, else None."""
    if isinstance(v, Fraction):
        return (v > 0) - (v < 0)
    lo, hi = v
    if mpf_sign(lo) > 0:
        return 1
    if mpf_sign(hi) < 0:
        return -1
    if lo == fzero and hi == fzero:
        return 0
    return None


def exact_root(f: Fraction, q: int) -> Fraction | None:
    """f**(1/q) when it is rational (f >= 0)."""

    def iroot(n: int) -> int | None:
        if n.bit_length() > EXACT_BITS:
            return None
        r = _int_nthroot(n, q)
        return r if r**q == n else None

    a, b = iroot(f.numerator), iroot(f.denominator)
    if a is None or b is None:
        return None
    return Fraction(a, b)


def _int_nthroot(n: int, q: int) -> int:
    """floor(n ** (1/q)) for n >= 0, by bisection on integers."""
    if n < 2:
        return n
    lo, hi = 0, 1 << (n.bit_length() // q + 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid**q <= n:
            lo = mid
        else:
            hi = mid - 1
    return lo


def point_value(value: sympy.Expr, prec: int) -> Val:
    """The value of a point coordinate: exact for Rationals, an enclosure for constants like log(3)."""
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    key = (value, prec)
    hit = _const_cache.get(key)
    if hit is None:
        if len(_const_cache) > 20_000:
            _const_cache.clear()
        if _enclose_constant is None:
            raise RuntimeError("grader.equivalence.compiler was not loaded")  # it registers itself on import
        hit = _enclose_constant(value, prec)
        _const_cache[key] = hit
    return hit


_const_cache: dict[tuple[sympy.Expr, int], Interval] = {}
caches.register("equivalence.constant_intervals", _const_cache)

# An enclosure of a constant coordinate such as log(3) at a precision. The compiler provides it:
# this module sits below the compiler (which builds on its values), so it is told rather than importing it.
_enclose_constant: Callable[[sympy.Expr, int], Interval] | None = None


def register_constant_enclosure(enclose: Callable[[sympy.Expr, int], Interval]) -> None:
    """Called once by grader.equivalence.compiler."""
    global _enclose_constant
    _enclose_constant = enclose


class Env:
    """One evaluation: exact point, values of the variables at `prec`, optional side for limits."""

    __slots__ = ("_shifted", "exact", "memo", "prec", "side", "vals")

    def __init__(
        self,
        exact: Mapping[sympy.Symbol, sympy.Expr],
        prec: int,
        side: tuple[sympy.Symbol, int] | None = None,
    ) -> None:
        self.exact = dict(exact)
        self.prec = prec
        self.side = side
        self.vals = {s: point_value(v, prec) for s, v in self.exact.items()}
        self._shifted: Env | None = None
        self.memo: dict[object, Val] = {}

    def shifted(self) -> Env:
        """The point moved by SIDE_DELTA towards the side (no side mode in the result)."""
        if self._shifted is None:
            assert self.side is not None
            var, direction = self.side
            moved = dict(self.exact)
            moved[var] = moved[var] + direction * SIDE_DELTA
            self._shifted = Env(moved, max(self.prec, 400))
        return self._shifted


Fn = Callable[[Env], Val]


_exact_sign_cache: dict[tuple[sympy.Expr, tuple[tuple[sympy.Symbol, sympy.Expr], ...]], int | None] = {}
caches.register("equivalence.exact_signs", _exact_sign_cache)


def exact_sign(expr: sympy.Expr, env: Env) -> int:
    """Sign of expr at the exact point, by sympy's exact arithmetic; Ambiguous if it cannot say.

    Only exact answers are used: a Rational, or an expression sympy's automatic evaluation turns
    into 0.  The result does not depend on the working precision, so it is cached.
    """
    key = (expr, tuple(env.exact.items()))
    if key in _exact_sign_cache:
        s = _exact_sign_cache[key]
    else:
        s = _exact_sign_uncached(expr, env)
        if len(_exact_sign_cache) > 20_000:
            _exact_sign_cache.clear()
        _exact_sign_cache[key] = s
    if s is None:
        raise Ambiguous
    return s


def _exact_sign_uncached(expr: sympy.Expr, env: Env) -> int | None:
    val = expr.xreplace(env.exact) if env.exact else expr
    if isinstance(val, sympy.Rational):
        return int(val.p > 0) - int(val.p < 0)
    return 0 if val == 0 else None  # structural zero after sympy's automatic simplification


def _sign_here(fn: Fn, expr: sympy.Expr, env: Env) -> int:
    s = sign_of(fn(env))
    return exact_sign(expr, env) if s is None else s


def zero_sign(fn: Fn, expr: sympy.Expr, env: Env, use_side: bool) -> int:
    """Sign (-1, 0, 1) of a subexpression at the point; in side mode a zero takes the side's sign."""
    s = _sign_here(fn, expr, env)
    if s == 0 and use_side and env.side is not None:
        return _sign_here(fn, expr, env.shifted())
    return s


def require_nonzero(v: Val, fn: Fn, expr: sympy.Expr, env: Env) -> None:
    """Raise Undefined if v (the value of expr) is exactly zero, Ambiguous if that is undecided."""
    s = sign_of(v)
    if s is None:
        if exact_sign(expr, env) == 0:
            raise Undefined
        raise Ambiguous
    if s == 0:
        raise Undefined


def int_of(v: Val) -> int | None:
    if isinstance(v, Fraction):
        return v.numerator if v.denominator == 1 else None
    return iv.contains_integer_only_at(v)


def pow_val(b: Val, n: int, prec: int) -> Val:
    """b**n for integer n (b != 0 when n < 0 is the caller's job)."""
    if isinstance(b, Fraction):
        bits = max(b.numerator.bit_length(), b.denominator.bit_length())
        if bits * abs(n) <= EXACT_BITS:
            return b**n
        b = to_iv(b, prec + 10)
    if n >= 0:
        return iv.pow_int(b, n, prec)
    return iv.recip(iv.pow_int(b, -n, prec + 10), prec)
