"""Where and how a wrong answer differs, in words: what a terminal says instead of the plot.

The kinks of both functions cut the line into pieces. On a piece where a function's interval
enclosure over the whole piece is one exact rational, the function is that constant there (proved,
not sampled); so "your answer is 1 for x < 0, where the derivative is 0" is said only when both
enclosures show it, and "right for x > 0" only when both are the same constant. Anything less sure
is left to the counterexample sentence the feedback already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from grader.equivalence.evaluate import Outcome, format_value
from grader.grading.plot_curves import Sampler

FAR = Fraction(10**30)  # an unbounded piece is checked out to here
NEAR = Fraction(1, 10**30)  # and up to this close to its kinks (relative)


@dataclass(frozen=True)
class Piece:
    """The open stretch between two neighbouring kinks; None is -∞ or +∞."""

    low: Fraction | None
    high: Fraction | None


def _span(p: Piece) -> tuple[Fraction, Fraction]:
    a = -FAR if p.low is None else p.low + NEAR * max(Fraction(1), abs(p.low))
    b = FAR if p.high is None else p.high - NEAR * max(Fraction(1), abs(p.high))
    return a, b


def _where(p: Piece, name: str, texts: dict[Fraction, str]) -> str:
    def t(k: Fraction) -> str:
        return texts.get(k, _number(k))

    if p.low is None and p.high is None:
        return "every " + name
    if p.low is None:
        assert p.high is not None
        return f"{name} < {t(p.high)}"
    if p.high is None:
        return f"{name} > {t(p.low)}"
    return f"{t(p.low)} < {name} < {t(p.high)}"


def _number(v: Fraction) -> str:
    return format_value(Outcome("value", v), 12)


def _contains(p: Piece, c: Fraction) -> bool:
    return (p.low is None or p.low < c) and (p.high is None or c < p.high)


def describe(fr: Sampler, fa: Sampler, name: str, pieces: list[Piece], c: Fraction, label: str,
             texts: dict[Fraction, str]) -> str:
    """The words, or "" when nothing can be said for sure beyond the counterexample."""
    right: list[str] = []
    wrong: list[tuple[str, Fraction, Fraction]] = []
    unsure: list[Piece] = []
    for p in pieces:
        a, b = _span(p)
        r, g = fr.exact(a, b), fa.exact(a, b)
        if r is not None and g is not None:
            (right.append(_where(p, name, texts)) if r == g else wrong.append((_where(p, name, texts), g, r)))
        else:
            unsure.append(p)
    if not wrong and not right:
        return ""
    if not wrong:
        if unsure or any(_contains(p, c) for p in pieces):
            return ""
        kink = texts.get(c, _number(c))
        return f"Your answer is right for {' and for '.join(right)}; it is wrong only at {name} = {kink}."
    said = [f"{_number(g)} for {where}, where {label if n == 0 else 'it'} is {_number(r)}"
            for n, (where, g, r) in enumerate(wrong)]
    text = "Your answer is " + (", and ".join(said) if len(said) < 3 else "; ".join(said)) + "."
    if right:
        text += f" It is right for {' and for '.join(right)}."
    return text
