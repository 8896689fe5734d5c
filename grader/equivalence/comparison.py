"""One comparison: sample points, rigorous point checks, the kink policy at jumps, bookkeeping."""

from __future__ import annotations

from fractions import Fraction

import sympy

from grader.core import limits
from grader.equivalence import intervals as iv
from grader.equivalence.compiler import compile_expr
from grader.equivalence.evaluate import (
    AMBIGUOUS_CAP,
    Outcome,
    evaluate_adaptive,
    evaluate_once,
    format_value,
    relative_gap,
    rounded,
)
from grader.equivalence.kinks import numeric_key, switch_args
from grader.equivalence.points import facts_of, limit_at, value_at
from grader.equivalence.results import Counterexample, KinkPolicy
from grader.equivalence.sampling import (
    LARGE,
    RANDOM,
    SIMPLE,
    Sample,
    multivariate,
    multivariate_quick,
    numeric_kinks,
    power_lattice,
    univariate,
)
from grader.equivalence.symbolic import prove_identity
from grader.equivalence.values import Fn, Unsupported, sign_of

TARGET_BITS = 190  # agreement required at every point: relative 2^-190, about 57 digits
START_PREC = 240
LIGHT_PREC = 120  # after a symbolic proof: points only check definedness (and consistency)
MAX_PREC = 8192
Point = dict[sympy.Symbol, sympy.Expr]
Found = tuple[Counterexample, str]

class Run:
    Unsupported = Unsupported

    def __init__(self, ref: sympy.Expr, ans: sympy.Expr, variables: tuple[sympy.Symbol, ...], mode: str,
                 policy: KinkPolicy) -> None:
        self.ref, self.ans, self.variables, self.mode, self.policy = ref, ans, variables, mode, policy
        self.fr = compile_expr(ref)
        self.fa = compile_expr(ans)
        self.agree: list[Point] = []
        self.defined: list[Point] = []  # points where the reference is defined
        self.points = 0
        self.skipped = 0
        self.overflow = 0
        self.inconclusive = 0
        self.jumps_ok = 0
        self.certified: set[tuple[sympy.Expr, ...]] = set()  # points whose check was exact
        self.jump_points: set[tuple[sympy.Expr, ...]] = set()
        self.checked: dict[tuple[sympy.Expr, ...], Found | None] = {}
        self.light = False  # set once a proof holds: then values need not be sharp
        self.precise_agree = 0
        self.numeric_kinks = 0
        self.inconclusive_at_kinks = 0
        self.switches: list[tuple[sympy.Expr, Fn, sympy.Symbol]] = []
        if mode == "reference":
            for g in dict.fromkeys(switch_args(ref)):
                direction = next((v for v in variables if v in g.free_symbols), None)
                if direction is not None:
                    self.switches.append((g, compile_expr(g), direction))

    # ---- sample points -----------------------------------------------------------------------

    def samples(self) -> list[Sample]:
        if len(self.variables) == 1:
            return univariate(self.ref, self.ans, self.variables[0])
        if not self.variables:
            return [Sample(())]
        return multivariate(self.ref, self.ans, self.variables) + power_lattice(self.ref, self.ans, self.variables)

    def quick_samples(self) -> list[Sample]:
        """The first points to try, before any kink is located or proof attempted."""
        n = len(self.variables)
        if n == 0:
            return [Sample(())]
        if n == 1:
            return [Sample((v,)) for v in SIMPLE]
        return multivariate_quick(self.variables)

    def numeric_kink_samples(self, samples: list[Sample]) -> list[Sample]:
        """Points bracketing zeros of switch/domain arguments that could not be solved exactly."""
        if len(self.variables) != 1:
            return []
        extra = numeric_kinks(self.ref, self.ans, self.variables[0], samples, self.mode == "reference")
        self.numeric_kinks = len(extra) // 4
        return extra

    def plain_samples(self) -> list[Sample]:
        """Fallback when locating kinks ran over budget."""
        if len(self.variables) == 1:
            return [Sample((v,)) for v in SIMPLE + RANDOM + LARGE]
        plain = [Sample(tuple(v for _ in self.variables)) for v in SIMPLE + RANDOM]
        return plain + power_lattice(self.ref, self.ans, self.variables)

    def extra_samples(self) -> list[Sample]:
        """More points around those where the reference is defined (narrow domains)."""
        base = (self.agree or self.defined)[:6]
        out: list[Sample] = []
        steps = [sympy.Rational(1, d) for d in (7, -11, 97, -89, 3, -5)]
        for pt in base:
            for i, _var in enumerate(self.variables):
                for d in steps:
                    vals = tuple(pt[v] + (d if j == i else 0) for j, v in enumerate(self.variables))
                    out.append(Sample(vals, "near a point where the reference is defined"))
        return out[:36]

    # ---- evaluation --------------------------------------------------------------------------

    def _point(self, values: tuple[sympy.Expr, ...]) -> Point:
        return dict(zip(self.variables, values, strict=True))

    def ref_once(self, pt: Point, prec: int) -> Outcome:
        return value_at(self.ref, self.fr, pt, prec)

    def ans_once(self, pt: Point, prec: int) -> Outcome:
        return value_at(self.ans, self.fa, pt, prec)  # an answer is compared with each known mistake too

    def ref_limit(self, pt: Point, var: sympy.Symbol, side: int) -> Outcome:
        return limit_at(self.ref, self.fr, pt, var, side, TARGET_BITS + 20, START_PREC, MAX_PREC)

    def check(self, sample: Sample) -> Found | None:
        if sample.values in self.checked:
            return self.checked[sample.values]
        if not self._allowed(sample.values):
            self.checked[sample.values] = None
            return None
        self.points += 1
        found = self._check(sample)
        self.checked[sample.values] = found
        return found

    def _check(self, sample: Sample) -> Found | None:
        pt = self._point(sample.values)
        for var in self.kink_directions(pt):
            left, right = self.ref_limit(pt, var, -1), self.ref_limit(pt, var, 1)
            if left.ok and right.ok and iv.disjoint(left.interval(), right.interval()):
                self.jump_points.add(sample.values)
                return self._jump(sample, pt, left, right)
        return self._equal(sample, pt)

    def _allowed(self, values: tuple[sympy.Expr, ...]) -> bool:
        """Respect assumptions on the symbols (positive, nonnegative, negative, integer, ...)."""
        for var, val in zip(self.variables, values, strict=True):
            facts = facts_of(var)
            if facts is None:
                continue
            if facts.never:
                return False
            key = numeric_key(val)
            if key is None:
                return False
            if (facts.positive and key <= 0) or (facts.nonnegative and key < 0) \
                    or (facts.negative and key >= 0) or (facts.nonpositive and key > 0) \
                    or (facts.integer and key.denominator != 1):
                return False
        return True

    def kink_directions(self, pt: Point) -> list[sympy.Symbol]:
        """Variables along which the point sits on a kink of the reference (a switch argument is 0)."""
        out: list[sympy.Symbol] = []
        for g, fg, var in self.switches:
            if var in out:
                continue
            o = evaluate_once(fg, pt, START_PREC)
            if not o.ok or o.value is None:
                continue
            s = sign_of(o.value)
            if s == 0 or (s is None and g.xreplace(pt) == 0):
                out.append(var)
        return out

    def _equal(self, sample: Sample, pt: Point) -> Found | None:
        start = prec = LIGHT_PREC if self.light else START_PREC
        while True:
            limits.check()
            r = self.ref_once(pt, prec)
            if r.kind == "undefined" and self.mode == "reference":
                self.skipped += 1
                self.certified.add(sample.values)
                return None
            a = self.ans_once(pt, prec)
            if "overflow" in (r.kind, a.kind):
                self.overflow += 1
                return None
            if "undefined" in (r.kind, a.kind) and self.mode == "both":
                self.skipped += 1
                self.certified.add(sample.values)
                return None
            if r.ok:
                if prec == start:
                    self.defined.append(pt)
                if a.kind == "undefined":
                    return self._cex(sample, pt, r, a), "numeric-refutation"
            if r.ok and a.ok and prec >= 4 * START_PREC:
                r, a = self._exact_zeros(pt, r, a)
            if r.ok and a.ok:
                if iv.disjoint(r.interval(), a.interval()):
                    if self._still_disjoint(pt, 2 * prec):
                        return self._cex(sample, pt, r, a), "numeric-refutation"
                elif self.light or (r.precise(TARGET_BITS) and a.precise(TARGET_BITS)):
                    self.agree.append(pt)
                    if r.precise(TARGET_BITS) and a.precise(TARGET_BITS):
                        self.precise_agree += 1
                    if self._exact_equal(r, a):
                        self.certified.add(sample.values)
                    return None
            stuck = "ambiguous" in (r.kind, a.kind) and prec >= AMBIGUOUS_CAP
            if prec >= MAX_PREC or stuck:
                self.inconclusive += 1
                if sample.note.startswith("at "):
                    self.inconclusive_at_kinks += 1
                return None
            prec *= 2

    def _exact_zeros(self, pt: Point, r: Outcome, a: Outcome) -> tuple[Outcome, Outcome]:
        """Values straddling 0 after several escalations: ask sympy whether they are exactly 0."""
        zero = Fraction(0)
        if r.value is not None and sign_of(r.value) is None and self.ref.xreplace(pt) == 0:
            r = Outcome("value", zero, r.prec)
        if a.value is not None and sign_of(a.value) is None and self.ans.xreplace(pt) == 0:
            a = Outcome("value", zero, a.prec)
        return r, a

    @staticmethod
    def _exact_equal(r: Outcome, a: Outcome) -> bool:
        return isinstance(r.value, Fraction) and isinstance(a.value, Fraction) and r.value == a.value

    def _still_disjoint(self, pt: Point, prec: int) -> bool:
        r, a = evaluate_once(self.fr, pt, prec), evaluate_once(self.fa, pt, prec)
        return r.ok and a.ok and iv.disjoint(r.interval(), a.interval())

    def deep_compare(self, pt: Point, prec: int) -> Counterexample | None:
        """Compare at one point with a much higher precision; a counterexample if they differ."""
        r = evaluate_adaptive(self.fr, pt, prec - 100, prec, 4 * prec)
        a = evaluate_adaptive(self.fa, pt, prec - 100, prec, 4 * prec)
        if r.ok and a.ok and iv.disjoint(r.interval(), a.interval()):
            sample = Sample(tuple(pt[v] for v in self.variables))
            return self._cex(sample, pt, r, a)
        return None

    # ---- the kink policy ---------------------------------------------------------------------

    def _jump(self, sample: Sample, pt: Point, left: Outcome, right: Outcome) -> Found | None:
        kind = self.policy.kind
        if kind == "any":
            return self._jump_ok(sample, True)
        a = evaluate_adaptive(self.fa, pt, TARGET_BITS, START_PREC, MAX_PREC)
        lo, hi = (left, right) if iv.lt(left.interval()[0], right.interval()[0]) else (right, left)
        allowed = {
            "between": f"a value between {format_value(lo, 12)} and {format_value(hi, 12)} (or undefined)",
            "left": format_value(left, 12),
            "right": format_value(right, 12),
            "value": str(self.policy.value),
            "undefined": "undefined",
        }[kind]
        if a.kind == "overflow":
            self.overflow += 1
            return None
        if a.kind == "undefined":
            if kind in ("between", "undefined"):
                return self._jump_ok(sample, True)
            return self._policy_cex(sample, a, allowed), "kink"
        if not a.ok:
            self.inconclusive += 1
            return None
        if kind == "undefined":
            return self._policy_cex(sample, a, allowed), "kink"
        ai = a.interval()
        if kind == "between" and all(isinstance(o.value, Fraction) for o in (a, lo, hi)):
            # exact ends (alpha = 1/100 beside leaky ReLU's kink): decide exactly, not by overlapping intervals
            inside = lo.value <= a.value <= hi.value  # type: ignore[operator]
            return self._jump_ok(sample, True) if inside else (self._policy_cex(sample, a, allowed), "kink")
        if kind == "between":
            lo_i, hi_i = lo.interval(), hi.interval()
            if iv.lt(ai[1], lo_i[0]) or iv.lt(hi_i[1], ai[0]):
                return self._policy_cex(sample, a, allowed), "kink"
            if not iv.lt(ai[0], lo_i[1]) and not iv.lt(hi_i[0], ai[1]):
                return self._jump_ok(sample, True)
            near = a.precise(TARGET_BITS) and (lo.precise(TARGET_BITS) and hi.precise(TARGET_BITS))
            return self._jump_ok(sample, False) if near else self._inconclusive()
        if kind == "value":
            target = self._policy_value(a.prec)
            if not target.ok:
                return self._inconclusive()
        else:
            target = left if kind == "left" else right
        if iv.disjoint(ai, target.interval(a.prec)):
            return self._policy_cex(sample, a, allowed), "kink"
        if self._exact_equal(a, target):
            return self._jump_ok(sample, True)
        return self._jump_ok(sample, False) if a.precise(TARGET_BITS) else self._inconclusive()

    def _policy_value(self, prec: int) -> Outcome:
        value = self.policy.value
        if isinstance(value, sympy.Rational):
            return Outcome("value", Fraction(int(value.p), int(value.q)), prec)
        try:
            return evaluate_adaptive(compile_expr(value), {}, TARGET_BITS, max(prec, START_PREC))
        except Unsupported:
            return Outcome("ambiguous")

    def _jump_ok(self, sample: Sample, exact: bool) -> Found | None:
        self.jumps_ok += 1
        if exact:
            self.certified.add(sample.values)
        return None

    def _inconclusive(self) -> Found | None:
        self.inconclusive += 1
        return None

    def _policy_cex(self, sample: Sample, a: Outcome, allowed: str) -> Counterexample:
        point = self._named(sample)
        note = f"at a jump of the reference (kink policy: {self.policy.kind})"
        return Counterexample(point, allowed, format_value(a, 12), note)

    # ---- counterexamples and summaries ------------------------------------------------------

    def _named(self, sample: Sample) -> tuple[tuple[str, str], ...]:
        """The point's coordinates in the variables either side uses: the others change neither value,
        so naming them (`at x = 2, w = 3, b = 5` for a function of x) would only mislead."""
        used = self.ref.free_symbols | self.ans.free_symbols
        pairs = list(zip(self.variables, sample.values, strict=True))
        shown = [(v, val) for v, val in pairs if v in used] or pairs
        return tuple((v.name, str(val)) for v, val in shown)

    def _cex(self, sample: Sample, pt: Point, r: Outcome, a: Outcome) -> Counterexample:
        """Values shown with enough digits to tell them apart (12 to 60), else a note on the gap."""
        note = sample.note
        first = (r, a)
        for digits in (12, 20, 30, 45, 60):
            if digits > 12:
                bits = int(digits * 3.33) + 20
                r = evaluate_adaptive(self.fr, pt, bits, bits + 40, 8 * bits)
                a = evaluate_adaptive(self.fa, pt, bits, bits + 40, 8 * bits)
            if rounded(r, digits) != rounded(a, digits):
                break
        else:
            r, a = first
            digits = 12
            gap = relative_gap(r, a)
            note = f"{note}; " if note else ""
            note += f"they differ only by a relative {gap}" if gap else "they differ only far beyond 60 digits"
        expected, got = format_value(r, digits), format_value(a, digits)
        point = self._named(sample)
        return Counterexample(point, expected, got, note)

    def point_certified(self, k: sympy.Expr) -> bool:
        """For the piecewise proof: was the check at x = k exact (or provable now)?"""
        if self.check(Sample((k,), "at a kink")) is not None:
            return False
        if (k,) in self.certified:
            return True
        if (k,) in self.jump_points:
            return False
        pt = {self.variables[0]: k}
        r, a = evaluate_once(self.fr, pt, START_PREC), evaluate_once(self.fa, pt, START_PREC)
        if r.kind == "undefined":
            return True
        if a.kind == "undefined":
            return self.mode == "both"
        if not (r.ok and a.ok):
            return False
        if self._exact_equal(r, a):
            return True
        var = self.variables[0]
        cr, ca = self.ref.xreplace({var: k}), self.ans.xreplace({var: k})
        if cr.has(sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.Max, sympy.Min):
            return False
        return prove_identity(cr, ca).verdict == "equal"

    def summary(self) -> str:
        n = len(self.agree)
        parts = [f"{n} sample point{'s' if n != 1 else ''} agree"]
        if self.precise_agree < n:
            parts[0] += f" ({self.precise_agree} to 57 digits)"
        if self.jumps_ok:
            parts.append(f"{self.jumps_ok} jump{'s' if self.jumps_ok != 1 else ''} obey the kink policy")
        if self.skipped:
            parts.append(f"{self.skipped} skipped where undefined")
        if self.overflow:
            parts.append(f"{self.overflow} overflowed")
        if self.inconclusive:
            parts.append(f"{self.inconclusive} inconclusive")
        if self.numeric_kinks:
            parts.append(f"{self.numeric_kinks} kink{'s' if self.numeric_kinks != 1 else ''} located numerically")
        return ", ".join(parts)

