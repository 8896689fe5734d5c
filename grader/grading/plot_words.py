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
    """A value as the words say it: exactly where that is short (`0.1`, `-1`, `1/3` as 0.333333333333),
    huge or tiny ones in powers of ten (`1e+100`, not 101 digits), and one a hair off a short number as
    that number plus the hair (`1 + 1e-30`: `1.00000000000` would read as 1)."""
    if v != 0 and not Fraction(1, 10**6) <= abs(v) < 10**12:
        return _power(v)
    text = format_value(Outcome("value", v), 12)
    near = Fraction(text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text) \
        if text.replace("-", "").replace(".", "").isdigit() else None
    if near is None or near == v:
        return text
    short = format_value(Outcome("value", near), 12)
    if len(short.replace("-", "").replace(".", "").lstrip("0")) <= 6:  # reads as exact: say the difference
        hair = v - near
        return f"{short} {'+' if hair > 0 else '-'} {_power(abs(hair))}"
    return text


def _power(v: Fraction) -> str:
    """`1e+100`, `-2.5e-30`: 6 significant digits, computed exactly (no float overflow)."""
    sign, v = ("-" if v < 0 else ""), abs(v)
    exp = len(str(v.numerator)) - len(str(v.denominator))
    if v >= Fraction(10) ** exp * 10:
        exp += 1
    elif v < Fraction(10) ** exp:
        exp -= 1
    mantissa = f"{float(v / Fraction(10) ** exp):.6g}"
    if mantissa == "10":
        mantissa, exp = "1", exp + 1
    return f"{sign}{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp)}"


def _contains(p: Piece, c: Fraction) -> bool:
    return (p.low is None or p.low < c) and (p.high is None or c < p.high)


def describe(fr: Sampler, fa: Sampler, name: str, pieces: list[Piece], c: Fraction, label: str,
             texts: dict[Fraction, str]) -> str:
    """The words, or "" when nothing can be said for sure beyond the counterexample."""
    right: list[str] = []
    wrong: list[tuple[str, Fraction, Fraction]] = []
    unsure: list[Piece] = []
    for p in _merged(fr, fa, pieces):
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


def _merged(fr: Sampler, fa: Sampler, pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces where both functions are the same constants, as one piece: a kink neither
    function has there (`abs(x)` inside a condition cuts at 0) should not split the words."""
    out: list[Piece] = []
    seen: tuple[Fraction | None, Fraction | None] | None = None
    for p in pieces:
        a, b = _span(p)
        values = (fr.exact(a, b), fa.exact(a, b))
        if out and seen == values and None not in values and p.low is not None:
            widened = Piece(out[-1].low, p.high)
            wa, wb = _span(widened)
            if (fr.exact(wa, wb), fa.exact(wa, wb)) == values:  # proved over the whole, the kink between too
                out[-1] = widened
                continue
        out.append(p)
        seen = values
    return out
