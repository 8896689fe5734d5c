"""Evaluate a compiled expression at an exact point, raising the precision until the value is sharp.

The outcome is a rigorous enclosure (or exact rational), or "undefined" (certain), "overflow"
(skipped: e.g. exp(exp(exp(800)))), or "ambiguous" (no precision up to the cap could decide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

import sympy
from mpmath.libmp import mpf_sign

from grader.core import limits
from grader.equivalence import fallbacks
from grader.equivalence import intervals as iv
from grader.equivalence.compiler import compile_expr
from grader.equivalence.intervals import Interval
from grader.equivalence.values import (
    Ambiguous,
    Env,
    Fn,
    Overflow,
    Undefined,
    Unsupported,
    Val,
    to_iv,
)

Point = Mapping[sympy.Symbol, sympy.Expr]
AMBIGUOUS_CAP = 2048  # bits; sample points sit exactly on a kink or >= 1e-30 away from it


@dataclass(frozen=True)
class Outcome:
    kind: Literal["value", "undefined", "overflow", "ambiguous"]
    value: Val | None = None
    prec: int = 0

    @property
    def ok(self) -> bool:
        return self.kind == "value"

    def interval(self, prec: int | None = None) -> Interval:
        assert self.value is not None
        return to_iv(self.value, prec or self.prec)

    def precise(self, bits: int) -> bool:
        if self.value is None:
            return False
        return isinstance(self.value, Fraction) or iv.precise(self.value, bits)


def evaluate_once(fn: Fn, point: Point, prec: int, side: tuple[sympy.Symbol, int] | None = None) -> Outcome:
    try:
        val = fn(Env(point, prec, side))
    except Undefined:
        return Outcome("undefined", None, prec)
    except Overflow:
        return Outcome("overflow", None, prec)
    except Ambiguous:
        return Outcome("ambiguous", None, prec)
    except (RecursionError, MemoryError, OverflowError, ZeroDivisionError) as exc:
        if isinstance(exc, RecursionError | MemoryError):
            fallbacks.cut()
        return Outcome("overflow", None, prec)
    if not isinstance(val, Fraction) and not (iv.finite(val[0]) and iv.finite(val[1])):
        return Outcome("ambiguous", None, prec)
    return Outcome("value", val, prec)


def evaluate_adaptive(
    fn: Fn,
    point: Point,
    target_bits: int,
    prec: int | None = None,
    max_prec: int = 8192,
    side: tuple[sympy.Symbol, int] | None = None,
) -> Outcome:
    """Raise the precision until the enclosure has relative width <= 2**-target_bits (or give up)."""
    prec = max(prec or 0, target_bits + 40)
    while True:
        limits.check()
        out = evaluate_once(fn, point, prec, side)
        if out.kind in ("undefined", "overflow") or out.precise(target_bits) or prec >= max_prec:
            return out
        if out.kind == "ambiguous" and prec >= AMBIGUOUS_CAP:
            return out  # a branch question more precision will not settle (an unprovable exact zero)
        prec = min(prec * 2, max_prec)


def format_value(out: Outcome, digits: int) -> str:
    """Text for feedback: exact values as short as they are ("0.25", "2", "1/3" -> "0.333333333333"),
    others with `digits` significant digits; "undefined", "overflow" or "unknown" otherwise."""
    if out.kind == "undefined":
        return "undefined"
    if out.kind == "overflow":
        return "overflow"
    if out.value is None:
        return "unknown"
    if isinstance(out.value, Fraction):
        return _format_fraction(out.value, digits)
    val = out.value
    if val[0] != val[1] and not iv.precise(val, int(digits * 3.33) + 4):
        if iv.sign_straddles(val) or val[0] == iv.ZERO[0] or val[1] == iv.ZERO[0]:
            return "0 (to within " + iv.fmt(iv.absval(val)[1], 3) + ")"
        digits = max(1, min(digits, iv.certain_digits(val)))
    return iv.fmt(iv.midpoint(val, out.prec), digits)


def rounded(out: Outcome, digits: int) -> str:
    """The value rounded to `digits` significant digits (for telling two values apart)."""
    if out.kind != "value" or out.value is None:
        return out.kind
    prec = max(out.prec, int(digits * 3.4) + 20)
    return iv.fmt(iv.midpoint(out.interval(prec), prec), digits)


def relative_gap(r: Outcome, a: Outcome) -> str:
    """|r - a| / max(|r|, |a|) as short text ("1.2e-434"), from two disjoint enclosures."""
    if not (r.ok and a.ok):
        return ""
    prec = max(r.prec, a.prec)
    ri, ai = r.interval(prec), a.interval(prec)
    diff = iv.absval(iv.add(ri, iv.neg(ai), prec))
    scale = iv.maximum([iv.absval(ri), iv.absval(ai)])
    if iv.is_zero(scale) or mpf_sign(scale[0]) <= 0:
        return iv.fmt(diff[0], 2)
    return iv.fmt(iv.mul(diff, iv.recip(scale, prec), prec)[0], 2)


def _format_fraction(f: Fraction, digits: int) -> str:
    if f.denominator == 1 and len(str(abs(f.numerator))) <= max(digits, 20):
        return str(f.numerator)
    d, twos, fives = f.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    k = max(twos, fives)
    if d == 1 and k <= 12:  # a short terminating decimal: print it exactly if it fits
        n = abs(f.numerator) * 10**k // f.denominator
        if len(str(n).strip("0")) <= digits:
            body = str(n).rjust(k + 1, "0")
            text = (body[:-k] + "." + body[-k:]).rstrip("0").rstrip(".") if k else body
            return ("-" if f < 0 else "") + text
    prec = max(digits * 4, 64) + abs(f.numerator).bit_length() + f.denominator.bit_length()
    v = iv.midpoint(iv.from_fraction(f.numerator, f.denominator, prec), prec)
    return iv.fmt(v, digits, exact=len(str(abs(f.numerator)).strip("0")) <= digits and d == 1)


def exact_point(point: Mapping[sympy.Symbol, object]) -> dict[sympy.Symbol, sympy.Expr]:
    exact: dict[sympy.Symbol, sympy.Expr] = {}
    for s, v in point.items():
        if isinstance(v, sympy.Expr):
            exact[s] = v
        elif isinstance(v, int):
            exact[s] = sympy.Integer(v)
        elif isinstance(v, Fraction):
            exact[s] = sympy.Rational(v.numerator, v.denominator)
        else:
            kind = type(v).__name__
            raise TypeError(f"point values must be exact (sympy Rational, int or Fraction), not {kind}")
    return exact


def decimal_of(text: str) -> Decimal | None:
    """The number in evaluate_at's text, or None for "undefined", "overflow", "0 (to within ...)"."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def evaluate_at(expr: sympy.Basic, point: Mapping[sympy.Symbol, object], digits: int = 15) -> str:
    """The value of expr at an exact point as decimal text ("0.196611933241327"), or "undefined".

    Returns "overflow" for values too large to evaluate (exp(exp(exp(800)))) and "unknown" when no
    precision up to the cap could pin the value down; integers print without a decimal point.
    """
    exact = exact_point(point)
    missing = expr.free_symbols - set(exact)
    if missing:
        raise ValueError(f"no value given for {', '.join(sorted(str(s) for s in missing))}")
    try:
        fn = compile_expr(expr)
    except Unsupported:
        return "unknown"
    out = evaluate_adaptive(fn, exact, target_bits=int(digits * 3.33) + 12)
    return format_value(out, digits)
