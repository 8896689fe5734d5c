"""Rough values of constant subexpressions, to refuse numbers beyond 2^MAX_INT_BITS.

sympy decides signs of constants (Abs, Max, comparisons, sqrt) by numeric evaluation; with
e^(10^30) inside, sin(e^(10^30)) would need 10^30 bits of precision and never return. Every
constant node is estimated bottom-up with mpmath at low precision (an mpf/mpc exponent never
overflows), and a node above the bound is refused, so no evaluation ever sees a huge argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import mpmath
import sympy

from grader.parsing.nodes import Abs, Call, Const, Neg, Node, Num, Pow, Prod, Root, Sum

# An mpmath mpf or mpc, or None when unknown (mpmath has no type hints, hence Any).
Approx: TypeAlias = Any

_FUNCS: dict[str, Callable[..., Approx]] = {
    "exp": mpmath.exp, "log": mpmath.log, "sqrt": mpmath.sqrt, "abs": mpmath.fabs, "sign": mpmath.sign,
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "sec": mpmath.sec, "csc": mpmath.csc,
    "cot": mpmath.cot, "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan, "acot": mpmath.acot,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh, "sech": mpmath.sech, "csch": mpmath.csch,
    "coth": mpmath.coth, "asinh": mpmath.asinh, "acosh": mpmath.acosh, "atanh": mpmath.atanh,
    "acoth": mpmath.acoth, "pow": mpmath.power,
    "log10": lambda v: mpmath.log(v, 10), "log2": lambda v: mpmath.log(v, 2),
}
_WORKING_PRECISION = 64


def magnitude(value: Approx) -> int | None:
    """floor(log2 |value|) roughly, or None when unknown, zero or not finite."""
    if value is None or not mpmath.isfinite(value) or value == 0:
        return None
    return int(mpmath.mag(value))


def is_complex(value: Approx) -> bool:
    """A finite estimate with a clear imaginary part (not rounding noise)."""
    if not isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
        return False
    return bool(abs(value.imag) > mpmath.mpf(2) ** -40 * max(1, abs(value.real)))


def estimate(node: Node, out: sympy.Basic, known: dict[int, Approx]) -> Approx:
    """The value of `node` (built as `out`) from its children's estimates; None if not constant."""
    if isinstance(out, sympy.Rational):
        return mpmath.mpf(out.p) / out.q
    compute = _plan(node, known)
    if compute is None:  # most nodes of an answer hold a variable: no mpmath context for them
        return None
    try:
        with mpmath.workprec(_WORKING_PRECISION):
            return compute()
    except (ArithmeticError, ValueError, TypeError):  # poles, 0^-1, log(0): sympy keeps those itself
        return None


def _plan(node: Node, known: dict[int, Approx]) -> Callable[[], Approx] | None:
    """How to compute the value of `node` from its children's estimates (at the working precision,
    which the caller sets), or None when it has none: a variable, or a child without an estimate."""
    def get(n: Node) -> Approx:
        return known.get(id(n))

    match node:
        case Num(value=v):
            return lambda: mpmath.mpf(v.numerator) / v.denominator
        case Const(name=name):
            return lambda: mpmath.e if name == "E" else mpmath.pi
        case Neg(arg=arg):
            a = get(arg)
            return None if a is None else lambda: -a
        case Sum(terms=terms):
            parts = [get(t) for _, t in terms]
            if any(p is None for p in parts):
                return None
            return lambda: mpmath.fsum(-p if minus else p for (minus, _), p in zip(terms, parts, strict=True))
        case Prod(factors=factors):
            values = [get(f) for _, f in factors]
            if any(v is None for v in values):
                return None

            def product() -> Approx:
                total: Approx = mpmath.mpf(1)
                for (divide, _), v in zip(factors, values, strict=True):
                    total = total / v if divide else total * v
                return total

            return product
        case Pow(base=base, exp=exp):
            b, e = get(base), get(exp)
            return None if b is None or e is None else lambda: mpmath.power(b, e)
        case Root(arg=arg, index=index):
            a = get(arg)
            n = mpmath.mpf(2) if index is None else get(index)  # 2 is exact at any precision
            return None if a is None or n is None else lambda: mpmath.power(a, 1 / n)
        case Abs(arg=arg):
            a = get(arg)
            return None if a is None else lambda: abs(a)
        case Call(func=func, args=args, sheet=False, power=power, primes=0):
            values = [get(a) for a in args]
            if any(v is None for v in values) or (func not in _FUNCS and func not in ("max", "min")):
                return None
            if func in ("max", "min") and any(isinstance(v, mpmath.mpc) for v in values):
                return None

            def call() -> Approx:
                if func in ("max", "min"):
                    result = max(values) if func == "max" else min(values)
                elif func == "log" and len(values) == 2:
                    result = mpmath.log(values[0]) / mpmath.log(values[1])
                else:
                    result = _FUNCS[func](*values)
                return result if power is None else mpmath.power(result, power)

            return call
    return None
