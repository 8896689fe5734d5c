"""A function of one variable sampled for a plot, with the engine's own compiled evaluator.

Values at the sample points are the engine's rigorous enclosures (their midpoints, as floats). Two
neighbouring samples are joined by a line only when an interval enclosure of the function over the
whole stretch between them is bounded: every branch of a Piecewise, Heaviside, sign or Abs is then
decided the same way on all of it, and no denominator or logarithm argument reaches 0, so the function
is continuous there. Otherwise the stretch is halved, a few times, and the line breaks at the piece
that stays unresolved: no line is ever drawn across a pole, a jump or a gap in the domain.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import sympy
from mpmath.libmp import from_rational, round_ceiling, round_floor, to_float

from grader.core import limits
from grader.equivalence import intervals as iv
from grader.equivalence.evaluate import evaluate_once
from grader.equivalence.values import Env, EvalIssue, Fn

PREC = 64  # bits: a plot needs a few digits; ambiguous points are tried again at AGAIN
AGAIN = 256
SPLITS = 10  # halvings of a stretch whose enclosure is not bounded: the break is 2**-10 of a step wide
REFINE = 3  # halvings of a stretch whose curve may bend more than the line between its ends shows
APPROACH = 40  # halvings towards a neighbouring sample where the function is undefined
HUGE = 1e300  # finite stand-in for values too large for a float
Point = tuple[float, float]
# A function's enclosure over [a, b] (low, high), or None when it is not bounded or not sure.
Enclose = Callable[[Fraction, Fraction], tuple[float, float] | None]


class OverBudget(Exception):
    """The plot's evaluations ran out: draw nothing rather than a plot that may join across a pole."""


def _float(v: Fraction | iv.Mpf) -> float:
    f = float(v) if isinstance(v, Fraction) else float(to_float(v))
    return max(-HUGE, min(HUGE, f))


class Sampler:
    """One compiled function of `var`, evaluated at exact points and over exact stretches."""

    def __init__(self, fn: Fn, var: sympy.Symbol, budget: list[int]) -> None:
        self.fn = fn
        self.var = var
        self.budget = budget  # shared by both curves of a plot: [evaluations left]
        self.start = budget[0]

    def _spend(self) -> None:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise OverBudget
        limits.check()

    def low(self) -> bool:
        """Past half the budget: join what is proved continuous without a closer look (breaks still cost)."""
        return self.budget[0] < self.start // 2

    def value(self, x: Fraction) -> float | None:
        """The value at x, or None where it is undefined, too large or cannot be told."""
        self._spend()
        point = {self.var: sympy.Rational(x.numerator, x.denominator)}
        out = evaluate_once(self.fn, point, PREC)
        if out.kind == "ambiguous":
            out = evaluate_once(self.fn, point, AGAIN)
        if not out.ok or out.value is None:
            return None
        v = out.value
        return _float(v if isinstance(v, Fraction) else iv.midpoint(v, PREC))

    def exact(self, a: Fraction, b: Fraction) -> Fraction | None:
        """The function's one exact value on all of [a, b], when its enclosure there is that exact rational."""
        v = self._over(a, b, AGAIN)  # fine enough to keep a stretch 10^-30 short of a kink off it
        return v if isinstance(v, Fraction) else None

    def enclose(self, a: Fraction, b: Fraction) -> tuple[float, float] | None:
        v = self._over(a, b)
        if v is None:
            return None
        if isinstance(v, Fraction):
            return _float(v), _float(v)
        lo, hi = v
        if not (iv.finite(lo) and iv.finite(hi)):
            return None
        return _float(lo), _float(hi)

    def _over(self, a: Fraction, b: Fraction, prec: int = PREC) -> Fraction | iv.Interval | None:
        """An enclosure of the function over the whole of [a, b] (an Env holding an interval for the
        variable and no exact point: a sign the interval does not decide raises Ambiguous)."""
        self._spend()
        env = Env({}, prec)
        env.vals[self.var] = (from_rational(a.numerator, a.denominator, prec, round_floor),
                              from_rational(b.numerator, b.denominator, prec, round_ceiling))
        try:
            return self.fn(env)
        except EvalIssue:
            return None
        except (RecursionError, MemoryError, ArithmeticError, ValueError, TypeError):
            return None  # not sure: the caller breaks the line rather than join across it


def curve(s: Sampler, xs: list[Fraction], ys: list[float | None], tol: float,
          frame: tuple[float, float] | None = None) -> list[list[Point]]:
    """The function as runs of joined points (a new run after each break). `ys` are its values at `xs`;
    `tol` is about a pixel in y, the bend worth a closer look. Where a run ends next to a sample where the
    function is undefined (`log(x)` at 0), it is followed towards that sample until it leaves `frame`
    (the plot's y range), so a curve heading off to infinity at the edge of its domain reaches the edge
    of the picture rather than stopping short of it."""
    runs: list[list[Point]] = []
    run: list[Point] = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if y is None:
            if run:
                prev_x, prev_y = xs[i - 1], ys[i - 1]
                assert prev_y is not None
                run += _approach(s, prev_x, prev_y, x, frame)
                runs.append(run)
            run = []
            continue
        if not run and i > 0 and ys[i - 1] is None:
            run = list(reversed(_approach(s, x, y, xs[i - 1], frame)))
        elif run and ys[i - 1] is not None:
            prev_x, prev_y = xs[i - 1], ys[i - 1]
            assert prev_y is not None
            for item in _link(s, prev_x, prev_y, x, y, tol, 0):
                if item is None:
                    runs.append(run)
                    run = []
                else:
                    run.append(item)
        elif run:
            runs.append(run)
            run = []
        run.append((float(x), y))
    if run:
        runs.append(run)
    return [r for r in runs if r]


def _link(s: Sampler, a: Fraction, fa: float, b: Fraction, fb: float, tol: float,
          depth: int) -> list[Point | None]:
    """The points to add strictly between a and b, with None where the line must break."""
    box = s.enclose(a, b)
    if box is not None:
        lo, hi = box
        if depth >= REFINE or hi - lo <= max(8 * tol, 4 * abs(fb - fa)) or s.low():
            return []  # continuous on [a, b], and the line between the ends shows it well enough
    elif depth >= SPLITS:
        return [None]
    m = (a + b) / 2
    fm = s.value(m)
    if fm is None:
        return [None]
    return [*_link(s, a, fa, m, fm, tol, depth + 1), (float(m), fm), *_link(s, m, fm, b, fb, tol, depth + 1)]


def _approach(s: Sampler, a: Fraction, fa: float, b: Fraction, frame: tuple[float, float] | None) -> list[Point]:
    """Points from a (defined, value fa) towards b (undefined), each joined to the one before it by a
    bounded enclosure, until the curve leaves the frame or APPROACH halvings are spent."""
    out: list[Point] = []
    if frame is None or not frame[0] <= fa <= frame[1]:
        return out
    for _ in range(APPROACH):
        m = (a + b) / 2
        fm = s.value(m)
        if fm is None:
            b = m
            continue
        if s.enclose(min(a, m), max(a, m)) is None:
            break  # not sure the curve is unbroken between: stop here, rather than join across
        out.append((float(m), fm))
        a = m
        if not frame[0] <= fm <= frame[1]:
            break
    return out
