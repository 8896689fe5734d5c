"""Rigorous interval arithmetic on mpmath's raw binary floats (libmp tuples).

An interval is a pair ``(lo, hi)`` of raw mpf tuples with ``lo <= hi`` that encloses the true value.
Field operations use libmp's correctly rounded directed rounding; transcendental functions are
computed with guard bits and then widened outward by a relative margin far larger than their error,
so every enclosure here is safe even if mpmath is off by many ulps.
"""

from __future__ import annotations

from typing import Any

from mpmath.libmp import (
    fone,
    from_int,
    from_rational,
    fzero,
    mpf_abs,
    mpf_acos,
    mpf_acosh,
    mpf_add,
    mpf_asin,
    mpf_asinh,
    mpf_atan,
    mpf_atanh,
    mpf_cmp,
    mpf_cosh_sinh,
    mpf_div,
    mpf_e,
    mpf_erf,
    mpf_exp,
    mpf_floor,
    mpf_log,
    mpf_mul,
    mpf_neg,
    mpf_nthroot,
    mpf_pi,
    mpf_pos,
    mpf_pow_int,
    mpf_shift,
    mpf_sign,
    mpf_sqrt,
    mpf_sub,
    mpf_tanh,
    round_ceiling,
    round_floor,
    round_nearest,
    to_str,
)
from mpmath.libmp.libmpi import mpi_cos_sin, mpi_mul, mpi_tan

Mpf = tuple[Any, ...]
Interval = tuple[Mpf, Mpf]

def _sign(v: Mpf) -> int:
    return int(mpf_sign(v))


def _cmp(a: Mpf, b: Mpf) -> int:
    return int(mpf_cmp(a, b))


GUARD = 30  # extra bits for transcendental evaluations
ZERO: Interval = (fzero, fzero)
ONE: Interval = (fone, fone)


def point(v: Mpf) -> Interval:
    return (v, v)


def from_int_iv(n: int) -> Interval:
    v = from_int(n)
    return (v, v)


def from_fraction(p: int, q: int, prec: int) -> Interval:
    if q == 1:
        return from_int_iv(p)
    return (from_rational(p, q, prec, round_floor), from_rational(p, q, prec, round_ceiling))


def is_pos(a: Interval) -> bool:
    return _sign(a[0]) > 0


def is_neg(a: Interval) -> bool:
    return _sign(a[1]) < 0


def is_zero(a: Interval) -> bool:
    return bool(a[0] == fzero and a[1] == fzero)


def finite(v: Mpf) -> bool:
    """True unless v is +-inf or nan (libmp encodes those with a zero mantissa and nonzero exponent)."""
    return bool(v[1]) or v == fzero


def lt(a: Mpf, b: Mpf) -> bool:
    return _cmp(a, b) < 0


def disjoint(a: Interval, b: Interval) -> bool:
    return _cmp(a[1], b[0]) < 0 or _cmp(b[1], a[0]) < 0


def magnitude_bits(v: Mpf) -> int:
    """Roughly log2 |v| (exponent of the leading bit); very negative for zero."""
    if v == fzero:
        return -(10**9)
    return int(v[2]) + int(v[3])


def precise(a: Interval, bits: int) -> bool:
    """Relative width at most 2**-bits (exact intervals, including exact zero, are precise)."""
    lo, hi = a
    if lo == hi:
        return True
    if not (finite(lo) and finite(hi)):
        return False
    if _sign(lo) != _sign(hi):
        return False
    width = mpf_sub(hi, lo, 53, round_ceiling)
    mag = mpf_abs(lo) if _cmp(mpf_abs(lo), mpf_abs(hi)) < 0 else mpf_abs(hi)
    return _cmp(width, mpf_shift(mag, -bits)) <= 0


def _down(v: Mpf, prec: int) -> Mpf:
    if v == fzero or not finite(v):
        return v
    r: Mpf = mpf_sub(v, mpf_shift(mpf_abs(v), -prec), prec, round_floor)
    return r


def _up(v: Mpf, prec: int) -> Mpf:
    if v == fzero or not finite(v):
        return v
    r: Mpf = mpf_add(v, mpf_shift(mpf_abs(v), -prec), prec, round_ceiling)
    return r


def _mono(f: Any, a: Interval, prec: int, increasing: bool = True) -> Interval:
    """Enclosure of a monotone function f(x, prec, rnd) over a."""
    wp = prec + GUARD
    lo, hi = a
    if lo == hi:
        v = f(lo, wp, round_nearest)
        return (_down(v, prec), _up(v, prec))
    if increasing:
        return (_down(f(lo, wp, round_floor), prec), _up(f(hi, wp, round_ceiling), prec))
    return (_down(f(hi, wp, round_floor), prec), _up(f(lo, wp, round_ceiling), prec))


# ---- field operations (exact directed rounding) ------------------------------------------------


def add(a: Interval, b: Interval, prec: int) -> Interval:
    return (mpf_add(a[0], b[0], prec, round_floor), mpf_add(a[1], b[1], prec, round_ceiling))


def neg(a: Interval) -> Interval:
    return (mpf_neg(a[1]), mpf_neg(a[0]))


def mul(a: Interval, b: Interval, prec: int) -> Interval:
    if a[0] == a[1] and b[0] == b[1]:
        return (mpf_mul(a[0], b[0], prec, round_floor), mpf_mul(a[0], b[0], prec, round_ceiling))
    r: Interval = mpi_mul(a, b, prec)
    return r


def recip(a: Interval, prec: int) -> Interval:
    """1/a for an interval not containing zero."""
    return (mpf_div(fone, a[1], prec, round_floor), mpf_div(fone, a[0], prec, round_ceiling))


def pow_int(a: Interval, n: int, prec: int) -> Interval:
    """a**n for an integer n >= 0 (callers handle negative n via recip)."""
    if n == 0:
        return ONE
    if n == 1:
        return a
    lo, hi = a
    if lo == hi and lo[3] * n <= 4 * prec + 64:  # exact: small mantissa
        v = mpf_pow_int(lo, n, lo[3] * n + 4)
        return (v, v)
    wp = prec + GUARD + 2 * n.bit_length()

    def f(x: Mpf, p: int, rnd: str) -> Mpf:
        r: Mpf = mpf_pow_int(x, n, wp, round_nearest)
        return r

    if n % 2 == 1 or _sign(lo) >= 0:
        return _mono(f, a, prec)
    if _sign(hi) <= 0:
        return _mono(f, a, prec, increasing=False)
    m = mpf_neg(lo) if _cmp(mpf_neg(lo), hi) > 0 else hi
    return (fzero, _up(f(m, wp, round_nearest), prec))


def root(a: Interval, q: int, prec: int) -> Interval:
    """a**(1/q) for a >= 0."""
    lo, hi = a
    if lo == hi:
        d = mpf_nthroot(lo, q, prec, round_floor)
        u = mpf_nthroot(lo, q, prec, round_ceiling)
        if d == u:
            return (d, d)
    if q == 2:
        return _mono(mpf_sqrt, a, prec)
    return _mono(lambda x, p, r: mpf_nthroot(x, q, p, r), a, prec)


# ---- elementary functions ----------------------------------------------------------------------


def exp(a: Interval, prec: int) -> Interval:
    if a == ZERO:
        return ONE
    return _mono(mpf_exp, a, prec)


def log(a: Interval, prec: int) -> Interval:
    if a == ONE:
        return ZERO
    return _mono(mpf_log, a, prec)


def atan(a: Interval, prec: int) -> Interval:
    return _mono(mpf_atan, a, prec)


def erf(a: Interval, prec: int) -> Interval:
    return _mono(mpf_erf, a, prec)


def asin(a: Interval, prec: int) -> Interval:
    return _mono(mpf_asin, a, prec)


def acos(a: Interval, prec: int) -> Interval:
    return _mono(mpf_acos, a, prec, increasing=False)


def asinh(a: Interval, prec: int) -> Interval:
    return _mono(mpf_asinh, a, prec)


def acosh(a: Interval, prec: int) -> Interval:
    return _mono(mpf_acosh, a, prec)


def atanh(a: Interval, prec: int) -> Interval:
    return _mono(mpf_atanh, a, prec)


def tanh(a: Interval, prec: int) -> Interval:
    return _mono(mpf_tanh, a, prec)


def sinh(a: Interval, prec: int) -> Interval:
    return _mono(lambda x, p, r: mpf_cosh_sinh(x, p, r)[1], a, prec)


def cosh(a: Interval, prec: int) -> Interval:
    if a == ZERO:
        return ONE

    def f(x: Mpf, p: int, r: str) -> Mpf:
        c: Mpf = mpf_cosh_sinh(x, p, r)[0]
        return c

    lo, hi = a
    if _sign(lo) >= 0:
        return _mono(f, a, prec)
    if _sign(hi) <= 0:
        return _mono(f, a, prec, increasing=False)
    wp = prec + GUARD
    m = mpf_neg(lo) if _cmp(mpf_neg(lo), hi) > 0 else hi
    return (fone, _up(f(m, wp, round_ceiling), prec))


def _widen(a: Interval, prec: int) -> Interval:
    return (_down(a[0], prec), _up(a[1], prec))


def sin(a: Interval, prec: int) -> Interval:
    if a == ZERO:
        return ZERO
    return _widen(mpi_cos_sin(a, prec + GUARD)[1], prec)


def cos(a: Interval, prec: int) -> Interval:
    if a == ZERO:
        return ONE
    return _widen(mpi_cos_sin(a, prec + GUARD)[0], prec)


def tan(a: Interval, prec: int) -> Interval:
    if a == ZERO:
        return ZERO
    return _widen(mpi_tan(a, prec + GUARD), prec)


def absval(a: Interval) -> Interval:
    lo, hi = a
    if _sign(lo) >= 0:
        return a
    if _sign(hi) <= 0:
        return neg(a)
    m = mpf_neg(lo) if _cmp(mpf_neg(lo), hi) > 0 else hi
    return (fzero, m)


def maximum(items: list[Interval]) -> Interval:
    lo, hi = items[0]
    for a, b in items[1:]:
        if _cmp(a, lo) > 0:
            lo = a
        if _cmp(b, hi) > 0:
            hi = b
    return (lo, hi)


def minimum(items: list[Interval]) -> Interval:
    lo, hi = items[0]
    for a, b in items[1:]:
        if _cmp(a, lo) < 0:
            lo = a
        if _cmp(b, hi) < 0:
            hi = b
    return (lo, hi)


def pi(prec: int) -> Interval:
    return (mpf_pi(prec, round_floor), mpf_pi(prec, round_ceiling))


def e(prec: int) -> Interval:
    return _widen(point(mpf_e(prec + GUARD)), prec)


def contains_integer_only_at(a: Interval) -> int | None:
    """If a is an exact point holding an integer, return it."""
    lo, hi = a
    if lo != hi:
        return None
    if lo == fzero:
        return 0
    sign, man, ex, _bc = lo
    if ex < 0:
        return None
    n = int(man) << int(ex)
    return -n if sign else n


def excludes_integers(a: Interval) -> bool:
    """True when no integer lies in a (both ends finite)."""
    lo, hi = a
    if not (finite(lo) and finite(hi)):
        return False
    fl = mpf_floor(lo)
    return _cmp(fl, lo) < 0 and _cmp(mpf_add(fl, fone, 0), hi) > 0


def midpoint(a: Interval, prec: int) -> Mpf:
    m: Mpf = mpf_shift(mpf_add(a[0], a[1], prec + 8, round_nearest), -1)
    return m


def fmt(v: Mpf, digits: int, exact: bool = False) -> str:
    """Decimal text with `digits` significant digits (trailing zeros kept unless the value is exact)."""
    if v == fzero:
        return "0"
    sign, man, ex, bc = v
    if exact and ex >= 0 and bc + ex <= 3 * digits:
        n = int(man) << int(ex)
        return str(-n if sign else n)
    # Round to a few more bits than the digits need first: mpmath's formatting of a mantissa
    # with thousands of bits builds a decimal integer past Python's int-to-str limit.
    v = mpf_pos(v, int(digits * 3.33) + 16, round_nearest)
    s: str = to_str(v, digits, strip_zeros=exact)
    if exact:
        s = s.replace(".0e", "e")
        if s.endswith(".0"):
            s = s[:-2]
    return s


def sign_straddles(a: Interval) -> bool:
    return _sign(a[0]) < 0 < _sign(a[1])


def certain_digits(a: Interval) -> int:
    """Roughly how many significant decimal digits the enclosure pins down."""
    lo, hi = a
    if lo == hi:
        return 10**6
    width = mpf_sub(hi, lo, 53, round_ceiling)
    mag = mpf_abs(lo) if _cmp(mpf_abs(lo), mpf_abs(hi)) < 0 else mpf_abs(hi)
    if mag == fzero:
        return 0
    bits = magnitude_bits(mag) - magnitude_bits(width)
    return max(0, int(bits / 3.33) - 1)
