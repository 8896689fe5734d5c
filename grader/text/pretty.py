"""The text forms of an answer: sympy's `sstr` and unicode pretty print, the same text, faster,
except that a number typed as a small or large decimal (1e-20, 2.5e-8) reads back as typed, not as
a fraction with twenty zeros.

Both are cached by expression: they are pure functions of it (structurally equal expressions print
alike), and printing is a good part of grading one answer (sympy orders terms on every print),
while a class types the same expression in many spellings. The pretty print also avoids importing
sympy.physics.units (~0.3 s) on its first product:

sympy's `PrettyPrinter._print_Mul` runs `from sympy.physics.units import Quantity` only to sort
Quantity factors last. An expression can hold a Quantity only once that module has been imported,
so while it is not imported no factor can be one: a stand-in class that nothing is an instance of
gives the same ordering, hence the same text, at no cost. Once the real module is loaded (by
anyone), it is used as is.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

from grader.core import caches

_UNITS = "sympy.physics.units"


class _NoQuantity:
    """Stands for sympy's Quantity while sympy.physics.units is not loaded: never instantiated."""


@contextmanager
def _units_stand_in() -> Iterator[None]:
    if _UNITS in sys.modules:
        yield
        return
    stand_in = types.ModuleType(_UNITS, "stand-in while printing (grader.text.pretty)")
    stand_in.Quantity = _NoQuantity  # type: ignore[attr-defined]
    sys.modules[_UNITS] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(_UNITS) is stand_in:
            del sys.modules[_UNITS]


MIN_DECIMAL_ZEROS = 7  # 1/10^7 and beyond read better as 1e-7 than as a fraction
MAX_DECIMAL_DIGITS = 15


def decimal_text(r: sympy.Rational) -> str | None:
    """A positive p/q with q = 2^a 5^b >= 10^7 as the exact decimal people write (1e-20, 2.5e-8);
    None for other rationals."""
    p, q = int(r.p), int(r.q)
    a, b = _multiplicity(q, 2), _multiplicity(q, 5)
    if p <= 0 or q != 2**a * 5**b or q < 10**MIN_DECIMAL_ZEROS:
        return None
    k = max(a, b)
    digits = str(p * 10**k // q)  # the value is digits * 10^-k, exactly
    if len(digits) > MAX_DECIMAL_DIGITS:
        return None
    fraction = digits[1:].rstrip("0")
    mantissa = digits[0] + (f".{fraction}" if fraction else "")
    return f"{mantissa}e{len(digits) - 1 - k}"


def _multiplicity(n: int, prime: int) -> int:
    count = 0
    while n % prime == 0:
        n //= prime
        count += 1
    return count


def _as_typed(expr: sympy.Basic) -> sympy.Basic:
    """Small decimals as stand-in names that print as typed (display only: nothing computes with it)."""
    if not isinstance(expr, sympy.Basic):
        return expr
    shown = {}
    for r in expr.atoms(sympy.Rational):
        for value, sign in ((r, 1), (-r, -1)):
            name = decimal_text(value)
            if name is not None:
                shown[r] = sign * sympy.Symbol(name)
    return expr.xreplace(shown) if shown else expr


@lru_cache(maxsize=4096)
def text(expr: sympy.Basic) -> str:
    """The same text as `sympy.sstr(expr)`, small decimals as typed (1e-20, not 1/100000000000000000000)."""
    return str(sympy.sstr(_as_typed(expr)))


@lru_cache(maxsize=4096)
def pretty(expr: sympy.Basic) -> str:
    """The same text as `sympy.pretty(expr, use_unicode=True)`, small decimals as typed."""
    printer = PrettyPrinter({"use_unicode": True})
    previous = pretty_use_unicode(True)  # sympy.pretty flips this module-wide flag the same way
    try:
        with _units_stand_in():
            return str(printer.doprint(_as_typed(expr)))
    finally:
        pretty_use_unicode(previous)


caches.register("text.sstr", text)
caches.register("text.pretty", pretty)
