"""Rational functions as (numerator, denominator) pairs of sparse polynomials over Q.

Unlike sympy's FracField this does not take a gcd after every operation (that dominated the cost
of long polynomial sums); it cancels only when a denominator grows, and the final zero test is
exact either way: n1/d1 == n2/d2 iff n1*d2 - n2*d1 == 0.
"""

from __future__ import annotations

from typing import Any

from sympy import QQ, Dummy
from sympy.polys.orderings import lex
from sympy.polys.rings import PolyRing

CANCEL_TERMS = 6  # cancel common factors once a denominator has more terms than this


class RatFunc:
    __slots__ = ("d", "n")

    def __init__(self, n: Any, d: Any) -> None:
        self.n = n
        self.d = d

    def _tidy(self) -> RatFunc:
        if len(self.d) > CANCEL_TERMS and self.n:
            _, n, d = self.n.cofactors(self.d)
            return RatFunc(n, d)
        return self

    def __add__(self, o: RatFunc) -> RatFunc:
        if self.d == o.d:
            return RatFunc(self.n + o.n, self.d)
        return RatFunc(self.n * o.d + o.n * self.d, self.d * o.d)._tidy()

    def __neg__(self) -> RatFunc:
        return RatFunc(-self.n, self.d)

    def __sub__(self, o: RatFunc) -> RatFunc:
        return self + (-o)

    def __mul__(self, o: RatFunc) -> RatFunc:
        return RatFunc(self.n * o.n, self.d * o.d)._tidy()

    def __truediv__(self, o: RatFunc) -> RatFunc:
        if not o.n:
            raise ZeroDivisionError("formal division by zero")
        return RatFunc(self.n * o.d, self.d * o.n)._tidy()

    def __pow__(self, k: int) -> RatFunc:
        if k >= 0:
            return RatFunc(self.n**k, self.d**k)
        if not self.n:
            raise ZeroDivisionError("formal division by zero")
        return RatFunc(self.d ** (-k), self.n ** (-k))

    def is_zero(self) -> bool:
        return not self.n

    def monoms(self) -> list[tuple[int, ...]]:
        return list(self.n.monoms()) + list(self.d.monoms())


# Q[g0, ..., gk] by number of generators: a constant of the process, built once. sympy builds a new
# ring (generating its monomial code with exec, ~1 ms) for every PolyRing(...) call.
_RINGS: dict[int, PolyRing] = {}


def _ring(count: int) -> PolyRing:
    ring = _RINGS.get(count)
    if ring is None:
        ring = _RINGS[count] = PolyRing([Dummy(f"g{i}") for i in range(count)], QQ, lex)
    return ring


class Ring:
    """Generators and constants of Q(g0, ..., gk) as RatFunc."""

    def __init__(self, count: int) -> None:
        self.poly = _ring(max(1, count))
        one = self.poly.one
        self.gens = [RatFunc(g, one) for g in self.poly.gens]
        self.zero = RatFunc(self.poly.zero, one)
        self.one = RatFunc(one, one)

    def const(self, p: int, q: int) -> RatFunc:
        return RatFunc(self.poly.ground_new(QQ(p, q)), self.poly.one)
