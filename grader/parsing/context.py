"""The parser's public data: what a part allows, and what a parse returns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy

from grader.core import caches


@dataclass(frozen=True)
class SheetFunction:
    """A function a sheet defines, e.g. sigma(x) = 1/(1+e^-x)."""

    name: str  # canonical name, e.g. "sigma"
    aliases: tuple[str, ...] = ()  # other spellings, e.g. ("sigmoid", "σ"); `\sigma` works too
    arity: int = 1
    bare: bool = False  # author notation only: may be written without its argument (`u` for u(x))
    # A helper in a sheet of several variables stands for its definition in all of them: written without
    # an argument or a prime (of which variable would they be?), its partials as `∂u/∂w`.
    bare_only: bool = False


@dataclass(frozen=True)
class ParseContext:
    """Names an answer may use: `variables=None` lets any free short name be a variable."""

    variables: tuple[str, ...] | None = ("x",)
    functions: tuple[SheetFunction, ...] = ()
    author: bool = False  # sheet and solution authors: d/dx, limits, primes, helpers (parsing.author_notation)
    letter_products: bool = False  # `wx` is w*x when w and x are variables and `wx` names nothing
    parameters: tuple[str, ...] = ()  # those of `variables` that are a randomised question's parameters (β)


@dataclass(frozen=True)
class Parsed:
    """One parsed expression and where it came from."""

    expr: sympy.Basic  # usually sympy.Expr; Piecewise for conditionals
    text: str  # the whole input for parse(); the piece for parse_chain()
    start: int  # offset of the piece in the original input
    end: int
    has_decimal: bool  # a decimal literal like 0.25 (or 1e-15) was used


@lru_cache(maxsize=1024)
def symbol(name: str) -> sympy.Symbol:
    """THE way every module makes a variable: a real sympy Symbol."""
    return sympy.Symbol(name, real=True)


@lru_cache(maxsize=256)
def sheet_function(name: str) -> sympy.FunctionClass:
    """The opaque applied function of a sheet definition, e.g. sigma(x); expanded later by grading."""
    return sympy.Function(name, real=True)


caches.register("parsing.symbols", symbol)
caches.register("parsing.sheet_functions", sheet_function)


class AnyBetween(sympy.Function):  # type: ignore[misc]
    """Author text `any value between a and b`: a value known only to lie in [a, b] (never evaluated)."""

    nargs = 2


class OneOf(sympy.Function):  # type: ignore[misc]
    """Author text `a \\text{or sometimes} b`: one of the values given (never evaluated)."""
