"""The text forms of an answer: sympy's `sstr` and unicode pretty print, the same text, faster.

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


@lru_cache(maxsize=4096)
def text(expr: sympy.Basic) -> str:
    """The same text as `sympy.sstr(expr)`."""
    return str(sympy.sstr(expr))


@lru_cache(maxsize=4096)
def pretty(expr: sympy.Basic) -> str:
    """The same text as `sympy.pretty(expr, use_unicode=True)`."""
    printer = PrettyPrinter({"use_unicode": True})
    previous = pretty_use_unicode(True)  # sympy.pretty flips this module-wide flag the same way
    try:
        with _units_stand_in():
            return str(printer.doprint(expr))
    finally:
        pretty_use_unicode(previous)


caches.register("text.sstr", text)
caches.register("text.pretty", pretty)
