"""Facts about one sample point, asked for by many comparisons: an expression's value there (the
reference's and each known mistake's above all), and what a variable's assumptions allow. Both
are pure functions of their arguments, so they are cached."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import sympy

from grader.core import caches
from grader.equivalence.evaluate import Outcome, evaluate_adaptive, evaluate_once
from grader.equivalence.values import Fn

Point = dict[sympy.Symbol, sympy.Expr]
MAX_VALUES = 50_000

_value_cache: dict[tuple[object, ...], Outcome] = {}
caches.register("equivalence.point_values", _value_cache)


def value_at(expr: sympy.Expr, fn: Fn, pt: Point, prec: int) -> Outcome:
    """evaluate_once(fn, pt, prec), fn being expr compiled."""
    key = (expr, tuple(pt.items()), prec)
    out = _value_cache.get(key)
    if out is None:
        out = _keep(key, evaluate_once(fn, pt, prec))
    return out


def limit_at(expr: sympy.Expr, fn: Fn, pt: Point, var: sympy.Symbol, side: int, bits: int, prec: int,
             max_prec: int) -> Outcome:
    """The one-sided limit of expr at pt along var (evaluate_adaptive in side mode)."""
    key = (expr, tuple(pt.items()), "limit", var, side)
    out = _value_cache.get(key)
    if out is None:
        out = _keep(key, evaluate_adaptive(fn, pt, bits, prec, max_prec, (var, side)))
    return out


def _keep(key: tuple[object, ...], out: Outcome) -> Outcome:
    if len(_value_cache) > MAX_VALUES:
        _value_cache.clear()
    _value_cache[key] = out
    return out


class Facts(NamedTuple):
    never: bool  # not real: no sample point is allowed
    positive: bool
    nonnegative: bool
    negative: bool
    nonpositive: bool
    integer: bool


@lru_cache(maxsize=256)
def facts_of(var: sympy.Symbol) -> Facts | None:
    """What var's assumptions restrict its values to, asked once (sympy's queries are slow); None: any real."""
    never = var.is_real is not True and var.is_real is not None
    facts = Facts(never, bool(var.is_positive), bool(var.is_nonnegative), bool(var.is_negative),
                  bool(var.is_nonpositive), bool(var.is_integer))
    return facts if any(facts) else None


caches.register("equivalence.variable_facts", facts_of)
