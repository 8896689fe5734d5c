"""A wrong answer drawn against the right one: the data of the plot, as frozen dataclasses.

`plot(sheet, address, answer, result)` gives the student's function and the reference over an
interval around the counterexample (the kinks near it inside), sampled by the engine's own evaluator
(grader.grading.plot_curves: no line across a pole or a jump), with the kinks and the counterexample
marked, y clipped to a sensible range, and the words a terminal shows instead of the picture
(grader.grading.plot_words). grader.grading.plot_svg draws it.

Only expression parts, and only a function of one variable: for a part in several variables, the
slice through the counterexample along the variable the derivative is taken in (`derivative: w`),
the others held at the counterexample's values; a part in several variables without one gets no plot.
No plot for a right, invalid or unreadable answer, nor where the engine cannot evaluate, nor when the
budget (core.limits.PLOT_SECONDS, PLOT_EVALUATIONS) runs out: nothing, rather than a doubtful picture.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

import sympy

from grader.core import limits
from grader.core.errors import GraderError
from grader.equivalence.compiler import compile_expr
from grader.equivalence.kinks import kinks_and_completeness, numeric_key
from grader.equivalence.values import EvalIssue, Unsupported
from grader.grading.labels import strip_label
from grader.grading.plot_curves import OverBudget, Sampler, curve
from grader.grading.plot_words import Piece, describe
from grader.grading.results import Point, Result
from grader.parsing import ParseContext, parse, symbol
from grader.sheets import variants
from grader.sheets.model import ExpressionAnswer, Part, Sheet
from grader.text import pretty

HALF_WIDTH = 4  # the interval: the counterexample ± this, widened to the kinks within REACH of it
REACH = 8
MAX_WIDTH = 20
SAMPLES = 200  # evenly spaced points, and the kinks and the counterexample
Segment = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Curve:
    label: str  # "your answer", "the derivative"
    segments: tuple[Segment, ...]  # runs of joined points; a new run after each break


@dataclass(frozen=True)
class Plot:
    variable: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]  # values outside are cut off (`clipped`)
    answer: Curve
    reference: Curve
    kinks: tuple[float, ...]  # of either function, inside x_range
    at: float  # the counterexample
    at_text: str  # "x = -1"
    expected: float | None  # the reference's value there (None: undefined there)
    got: float | None  # the answer's
    expected_text: str  # as the feedback says them: "0.25", "undefined", "between 0 and 1"
    got_text: str
    clipped: bool
    fixed: str = ""  # a slice: the other variables' values ("x = 2, b = 1")
    words: str = ""  # where and how the answer differs, for a terminal ("" when the counterexample says it)
    breaks: tuple[float, ...] = ()  # those of `kinks` that are the answer's alone, not the right function's

    @property
    def title(self) -> str:
        return f"{self.answer.label.capitalize()} and {self.reference.label}, plotted against {self.variable}"

    @property
    def description(self) -> str:
        """Everything the picture shows, in words (the SVG's <desc>, a screen reader's text)."""
        lo, hi = (_num(v) for v in self.x_range)
        out = [f"{self.title} from {lo} to {hi}" + (f", with {self.fixed}" if self.fixed else "") + "."]
        own = [k for k in self.kinks if k not in self.breaks]
        if own:
            out.append(f"Kinks of {self.reference.label} at " + ", ".join(f"{self.variable} = {_num(k)}" for k in own)
                       + ".")
        if self.breaks:
            out.append(f"{self.answer.label.capitalize()} alone changes at "
                       + ", ".join(f"{self.variable} = {_num(k)}" for k in self.breaks) + ".")
        got = ("is undefined there" if self.got is None
               else f"gives {_said(self.got_text, self.got)}" + (", off the plot" if self._off(self.got) else ""))
        expected = _said(self.expected_text, self.expected) + (", off the plot" if self._off(self.expected) else "")
        at = self.at_text if len(self.at_text) <= 20 else f"{self.variable} ≈ {_num(self.at)}"  # x = -1/10^30
        out.append(f"Marked: at {at} {self.reference.label} is {expected} and "
                   f"{self.answer.label} {got}.")
        if self.words:
            out.append(self.words)
        for c in (self.reference, self.answer):
            where = [w for w, off in (("above", self._above), ("below", self._below)) if off(c)]
            if where:
                marks = " and ".join({"above": "▲ on the top edge", "below": "▼ on the bottom edge"}[w] for w in where)
                out.append(f"{c.label.capitalize()} goes {' and '.join(where)} the plot, marked {marks}.")
        return " ".join(out)

    def _off(self, v: float | None) -> bool:
        return v is not None and not self.y_range[0] <= v <= self.y_range[1]

    def _above(self, c: Curve) -> bool:
        return any(y > self.y_range[1] for seg in c.segments for _, y in seg)

    def _below(self, c: Curve) -> bool:
        return any(y < self.y_range[0] for seg in c.segments for _, y in seg)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def from_json(data: object) -> Plot | None:
    """A Plot from `to_json` (stored with a served answer), or None if the data is not one."""
    try:
        assert isinstance(data, dict)

        def curve_of(c: dict[str, Any]) -> Curve:
            segments = tuple(tuple((float(x), float(y)) for x, y in seg) for seg in c["segments"])
            return Curve(str(c["label"]), segments)

        def opt(v: object) -> float | None:
            return None if v is None else float(v)  # type: ignore[arg-type]

        return Plot(
            str(data["variable"]), _pair(data["x_range"]), _pair(data["y_range"]), curve_of(data["answer"]),
            curve_of(data["reference"]), tuple(float(k) for k in data["kinks"]), float(data["at"]),
            str(data["at_text"]), opt(data["expected"]), opt(data["got"]), str(data["expected_text"]),
            str(data["got_text"]), bool(data["clipped"]),
            str(data.get("fixed", "")), str(data.get("words", "")),
            tuple(float(k) for k in data.get("breaks", ())))
    except (AssertionError, KeyError, TypeError, ValueError):
        return None


def _pair(v: Any) -> tuple[float, float]:
    a, b = v
    return float(a), float(b)


def _num(v: float) -> str:
    """A value as a reader wants it on a plot: whole numbers whole (999996, not 1e6: the ends of an
    interval far out must differ), others to 4 significant digits, no trailing zeros."""
    if v == 0:
        return "0"
    if v == int(v) and abs(v) < 10**12:
        return str(int(v)).replace("-", "−")
    text = f"{v:.4g}"
    return text.replace("e+0", "e").replace("e-0", "e-").replace("-", "−") if "e" in text else text.replace("-", "−")


def _said(text: str, value: float | None) -> str:
    """A value the feedback wrote (`10000…000`, 101 digits), shortened where it runs long because it is huge
    or tiny; a long one near a short number (`0.500…001`, 10^-30 off 0.5) is kept whole: short, it would
    read as that number."""
    if len(text) <= 20 or value is None or 1e-6 <= abs(value) < 1e12 or value == 0:
        return text
    return _num(value).replace("e+", "e")


def reference_label(part: Part) -> str:
    """The part's word for what it asks: `the derivative` for a derivative part."""
    return "the derivative" if part.derivative else "the expected answer"


def plot(sheet: Sheet, address: str, answer: str, result: Result, *,
         seconds: float | None = None) -> Plot | None:
    """The plot of a wrong answer to an expression part (`sheet` as graded: the student's variant,
    scoped), or None (see the module's docstring for when). `seconds`: the budget, PLOT_SECONDS by default."""
    if result.status != "incorrect" or result.counterexample is None:
        return None
    return plot_at(sheet, address, answer, result.counterexample, seconds=seconds)


def plot_at(sheet: Sheet, address: str, answer: str, point: Point, *, seconds: float | None = None) -> Plot | None:
    """`plot` of a wrong answer from its counterexample alone (all the plot takes from the Result): the
    class server draws a stored answer's plot when its page asks for it, not while grading it."""
    part = sheet.part(address)
    if not isinstance(part.expects, ExpressionAnswer):
        return None
    try:
        with limits.time_limit(limits.PLOT_SECONDS if seconds is None else seconds):
            return _plot(variants.narrowed(sheet, address), part, part.expects, answer, point)
    except (GraderError, OverBudget, EvalIssue, Unsupported, RecursionError, MemoryError, ArithmeticError,
            ValueError, TypeError, LookupError, AttributeError):
        return None  # GraderError: the budget ran out, or the text is not read as grading read it


def words(sheet: Sheet, address: str, answer: str, result: Result) -> str:
    """What a terminal says instead of the plot: where and how the answer differs ("" when the
    counterexample sentence of the feedback already says all that is sure)."""
    drawn = plot(sheet, address, answer, result)
    return drawn.words if drawn is not None else ""


def _plot(sheet: Sheet, part: Part, expects: ExpressionAnswer, answer: str, point: Point) -> Plot | None:
    text, wrong_label = strip_label(sheet, part, answer)
    if wrong_label is not None:
        return None
    ref = sheet.expand(expects.answer.expr)
    ans = sheet.expand(parse(text, sheet.parse_context()).expr)
    at = dict(point.at)
    names = sorted({s.name for s in (ref.free_symbols | ans.free_symbols)} | set(at))
    if len(names) == 1:
        name = names[0]
    elif part.wrt in names:
        name = part.wrt
    else:
        return None  # several variables and none the part is about: no single slice to show
    if name not in at or set(names) - set(at):
        return None
    values = {n: _value(at[n]) for n in names}
    if any(v is None for v in values.values()):
        return None
    var = symbol(name)
    others = {symbol(n): sympy.Rational(v.numerator, v.denominator) for n, v in values.items()
              if n != name and v is not None}
    ref, ans = ref.xreplace(others), ans.xreplace(others)
    c = values[name]
    assert c is not None
    kinks, complete = _kinks([ref, ans], var)
    own = set(_kinks([ref], var)[0])
    lo, hi = _window(c, kinks)
    budget = [limits.PLOT_EVALUATIONS]
    fr, fa = Sampler(compile_expr(ref), var, budget), Sampler(compile_expr(ans), var, budget)
    kinks = [k for k in kinks if not _flat_through(fr, fa, k, kinks)]
    xs = sorted({lo + (hi - lo) * i / SAMPLES for i in range(SAMPLES + 1)} | {c} | {k for k in kinks if lo < k < hi})
    yr, ya = [fr.value(x) for x in xs], [fa.value(x) for x in xs]
    xs, yr, ya = _trim(xs, yr, ya, c)
    if not xs or all(y is None for y in ya) or all(y is None for y in yr):
        return None
    got, expected = ya[xs.index(c)], yr[xs.index(c)]
    marks = [y for y in (got, expected) if y is not None]
    y_range, clipped = _y_range([y for y in yr if y is not None], [y for y in ya if y is not None], marks)
    tol = (y_range[1] - y_range[0]) / 300  # about a pixel
    label = reference_label(part)
    fixed = ", ".join(f"{n} = {at[n]}" for n in names if n != name)  # a slice: the others' values
    words = describe(fr, fa, name, _pieces(kinks, complete), c, label, _label_texts(ref, ans, var))
    return Plot(
        variable=name, x_range=(float(xs[0]), float(xs[-1])), y_range=y_range,
        answer=Curve("your answer", _segments(curve(fa, xs, ya, tol, y_range), tol / 10)),
        reference=Curve(label, _segments(curve(fr, xs, yr, tol, y_range), tol / 10)),
        kinks=tuple(float(k) for k in kinks if xs[0] <= k <= xs[-1]), at=float(c),
        at_text=f"{name} = {at[name]}",
        expected=expected, got=got, expected_text=point.expected,
        got_text=point.got, clipped=clipped,
        fixed=fixed, words=f"{words[:-1]} (with {fixed})." if words and fixed else words,
        breaks=tuple(float(k) for k in kinks if xs[0] <= k <= xs[-1] and k not in own))


def _value(text: str) -> Fraction | None:
    """A counterexample coordinate (the engine's own text: `-1`, `1/2`, `sqrt(2)`) as an exact rational
    (a 300-bit one for an irrational point): read as a number, or through the parser, never evaluated as code."""
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        pass
    expr = parse(text, ParseContext(variables=())).expr
    return numeric_key(expr) if not expr.free_symbols else None


def _kinks(exprs: list[sympy.Basic], var: sympy.Symbol) -> tuple[list[Fraction], bool]:
    """The numeric kinks of the expressions (exact, or 300-bit for irrational ones), and whether every
    kink of both was found (only then may the words speak of whole pieces)."""
    found: set[Fraction] = set()
    complete = True
    for e in exprs:
        ks, ok = kinks_and_completeness(e, var)
        complete = complete and ok
        for k in ks:
            key = numeric_key(k) if not k.free_symbols else None
            if key is None:
                complete = False
            else:
                found.add(key)
    return sorted(found), complete


def _flat_through(fr: Sampler, fa: Sampler, k: Fraction, kinks: list[Fraction]) -> bool:
    """Whether both functions are proved one and the same constant on either side of k, k included: then k
    is no kink of either (`1 if abs(x) < 2 else 0` is cut at 0 by its abs, but is 1 all through it)."""
    gaps = [abs(k - other) / 2 for other in kinks if other != k]
    d = min([Fraction(1, 1000), *gaps])
    for f in (fr, fa):
        left = f.exact(k - d, k)
        if left is None or f.exact(k, k + d) != left:
            return False
    return True


def _label_texts(ref: sympy.Basic, ans: sympy.Basic, var: sympy.Symbol) -> dict[Fraction, str]:
    """How each kink is written (`0`, `sqrt(2)`), for the words."""
    out: dict[Fraction, str] = {}
    for e in (ref, ans):
        for k in kinks_and_completeness(e, var)[0]:
            key = numeric_key(k) if not k.free_symbols else None
            if key is not None:
                out.setdefault(key, pretty.text(k))
    return out


def _pieces(kinks: list[Fraction], complete: bool) -> list[Piece]:
    if not complete or len(kinks) > 4:
        return []
    ends: list[Fraction | None] = [None, *kinks, None]
    return [Piece(a, b) for a, b in itertools.pairwise(ends)]


def _window(c: Fraction, kinks: list[Fraction]) -> tuple[Fraction, Fraction]:
    near = [k for k in kinks if abs(k - c) <= REACH]
    lo = min([c - HALF_WIDTH, *(k - 1 for k in near)])
    hi = max([c + HALF_WIDTH, *(k + 1 for k in near)])
    if hi - lo > MAX_WIDTH:
        lo, hi = max(lo, c - Fraction(MAX_WIDTH, 2)), min(hi, c + Fraction(MAX_WIDTH, 2))
    if abs(c) < 10**6:  # whole-number ends read better
        lo, hi = Fraction(math.floor(lo)), Fraction(math.ceil(hi))
    return lo, hi


def _trim(xs: list[Fraction], yr: list[float | None], ya: list[float | None],
          c: Fraction) -> tuple[list[Fraction], list[float | None], list[float | None]]:
    """Drop the ends where neither function is defined (the edge of their domain), keeping c."""
    defined = [i for i, (a, b) in enumerate(zip(yr, ya, strict=True)) if a is not None or b is not None]
    if not defined:
        return [], [], []
    i, j = min(defined[0], xs.index(c)), max(defined[-1], xs.index(c))
    i, j = max(0, i - 1), min(len(xs) - 1, j + 1)
    return xs[i:j + 1], yr[i:j + 1], ya[i:j + 1]


def _robust(ys: list[float]) -> tuple[float, float]:
    """All values when they fit a plot; otherwise the middle 80% widened by half their span (a pole's
    spike is cut off rather than flattening the rest)."""
    ys = sorted(ys)
    lo, hi = ys[0], ys[-1]
    q_lo, q_hi = ys[len(ys) // 10], ys[-1 - len(ys) // 10]
    span = q_hi - q_lo
    if hi - lo > 4 * span + 1e-12:
        lo, hi = max(lo, q_lo - span / 2), min(hi, q_hi + span / 2)
    return lo, hi


def _y_range(ref: list[float], ans: list[float], marks: list[float]) -> tuple[tuple[float, float], bool]:
    """The reference's values, and the answer's as far as they stay within three times the reference's
    span of it (an answer off by 10^6 is cut off at the edge, not allowed to flatten the right one);
    the values at the counterexample within ten times. 0 is shown when close."""
    r_lo, r_hi = _robust(ref)
    a_lo, a_hi = _robust(ans) if ans else (r_lo, r_hi)
    scale = max(r_hi - r_lo, 0.5 * max(abs(r_lo), abs(r_hi)), 1.0 if r_hi - r_lo < 1e-12 else 0.0)
    lo, hi = max(min(r_lo, a_lo), r_lo - 3 * scale), min(max(r_hi, a_hi), r_hi + 3 * scale)
    for m in marks:
        if r_lo - 10 * scale <= m <= r_hi + 10 * scale:
            lo, hi = min(lo, m), max(hi, m)
    if 0 < lo <= hi - lo:
        lo = 0.0
    if hi < 0 and -hi <= hi - lo:
        hi = 0.0
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.06
    lo, hi = lo - pad, hi + pad
    every = ref + ans
    return (lo, hi), min(every) < lo or max(every) > hi


def _segments(runs: list[list[tuple[float, float]]], eps: float) -> tuple[Segment, ...]:
    return tuple(_thin([(_short(x), _short(y)) for x, y in run], eps) for run in runs)


def _thin(run: list[tuple[float, float]], eps: float) -> Segment:
    """The run without the points that lie within eps (in y) of the line through their neighbours kept:
    a constant piece is two points, not a hundred, and the stored plot stays small."""
    if len(run) <= 2:
        return tuple(run)
    kept = [run[0]]
    skipped: list[tuple[float, float]] = []
    for i in range(1, len(run) - 1):
        (x0, y0), (x2, y2) = kept[-1], run[i + 1]
        candidates = [*skipped, run[i]]
        if x2 != x0 and all(abs(y - (y0 + (y2 - y0) * (x - x0) / (x2 - x0))) <= eps for x, y in candidates):
            skipped.append(run[i])
        else:
            kept.append(run[i])
            skipped = []
    kept.append(run[-1])
    return tuple(kept)


def _short(v: float) -> float:
    """7 significant digits: finer than any screen, and the stored plot stays small."""
    return float(f"{v:.7g}")
