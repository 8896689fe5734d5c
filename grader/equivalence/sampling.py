"""Deterministic exact sample points: simple values first (for readable counterexamples), then both
sides of every kink (at it, 10^-30, 10^-6 and 1/10 away), between kinks, random rationals, and
large magnitudes (±40, ±100, ±800) where double precision would fail.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from fractions import Fraction

import sympy

from grader.core import limits
from grader.equivalence import fallbacks
from grader.equivalence.compiler import compile_expr
from grader.equivalence.evaluate import evaluate_adaptive
from grader.equivalence.kinks import (
    domain_args,
    domain_points,
    kinks_and_completeness,
    numeric_key,
    unsolved_domain_args,
    unsolved_switch_args,
)
from grader.equivalence.values import sign_of

R = sympy.Rational
SIMPLE = [R(0), R(1), R(-1), R(2), R(-2), R(1, 2), R(-1, 2), R(3), R(-3)]
LARGE = [R(7), R(-7), R(40), R(-40), R(100), R(-100), R(800), R(-800)]
OFFSETS = [
    (R(0), "at"),
    (R(-1, 10**30), "just left of"),
    (R(1, 10**30), "just right of"),
    (R(-1, 10**6), "1e-6 left of"),
    (R(1, 10**6), "1e-6 right of"),
    (R(-1, 10), "0.1 left of"),
    (R(1, 10), "0.1 right of"),
]
MAX_SPECIALS = 14
SEED = 20240611


def _random_rationals(count: int, span: int, seed: int) -> list[sympy.Rational]:
    rng = random.Random(seed)
    out: list[sympy.Rational] = []
    while len(out) < count:
        q = rng.randint(3, 97)
        p = rng.randint(-span * q, span * q)
        r = R(p, q)
        if r.q > 1 and r not in out:
            out.append(r)
    return out


RANDOM = _random_rationals(8, 5, SEED) + _random_rationals(3, 30, SEED + 1)
POSITIVE = [R(1, 2), R(1), R(2), R(3), R(1, 3), R(5, 2), R(7, 3), R(5), R(3, 4)]
MIXED = [*POSITIVE, R(0), R(-1), R(-2), R(-1, 2), R(-3), R(-5, 3), R(-7)]


@dataclass(frozen=True)
class Sample:
    values: tuple[sympy.Expr, ...]  # one exact value per variable
    note: str = ""  # where the point comes from, for counterexamples ("just left of the kink at x = 0")


def _specials(exprs: list[sympy.Basic], var: sympy.Symbol) -> list[tuple[sympy.Expr, str]]:
    """Kinks (reference first) and domain points, deduplicated, capped."""
    out: list[tuple[sympy.Expr, str]] = []
    seen: set[sympy.Expr] = set()
    for what, table in (("kink", kinks_and_completeness), ("domain", domain_points)):
        for e in exprs:
            try:
                found = table(e, var)[0]
            except (ValueError, TypeError, sympy.PolynomialError, RecursionError) as exc:
                if isinstance(exc, RecursionError):
                    fallbacks.cut()
                continue
            for k in found:
                if k not in seen:
                    seen.add(k)
                    out.append((k, what))
    return out


def _label(var: sympy.Symbol, k: sympy.Expr, what: str, how: str) -> str:
    noun = "the kink at" if what == "kink" else "the domain edge at"
    return f"{how} {noun} {var} = {k}"


def _neighbourhood(k: sympy.Expr, var: sympy.Symbol, what: str) -> list[tuple[sympy.Expr, str]]:
    return [(k + d, _label(var, k, what, how)) for d, how in OFFSETS]


def univariate(ref: sympy.Basic, ans: sympy.Basic, var: sympy.Symbol) -> list[Sample]:
    specials = [(k, w) for k, w in _specials([ref, ans], var) if not k.free_symbols][:MAX_SPECIALS]
    values: list[tuple[sympy.Expr, str]] = [(v, "") for v in SIMPLE]
    for k, what in specials:
        values += _neighbourhood(k, var, what)
    ordered = sorted((k for k, _ in specials), key=lambda k: numeric_key(k) or 0)
    values += [((a + b) / 2, "between kinks") for a, b in itertools.pairwise(ordered)]
    values += [(v, "") for v in RANDOM + LARGE]
    out: list[Sample] = []
    seen: set[sympy.Expr] = set()
    for v, note in values:
        if v in seen:
            continue
        seen.add(v)
        out.append(Sample((v,), note))
    return out


def multivariate_quick(variables: tuple[sympy.Symbol, ...]) -> list[Sample]:
    return [Sample(b) for b in _bases(len(variables))[:8]]


def _primes(n: int) -> list[int]:
    """The first n primes: distinct, generic values for as many variables as there are."""
    out: list[int] = []
    k = 2
    while len(out) < n:
        if all(k % p for p in out if p * p <= k):
            out.append(k)
        k += 1
    return out


def _bases(n: int) -> list[tuple[sympy.Expr, ...]]:
    rng = random.Random(SEED + n)
    bases: list[tuple[sympy.Expr, ...]] = [
        tuple(R(v) for v in _primes(n)),
        tuple(R(2 * i + 1, 2) for i in range(n)),
    ]
    bases += [tuple(R(-1) if i == 0 else R(i + 1) for i in range(n))]
    bases += [tuple(R(-1) if i == 0 else R(1, 2) for i in range(n)),  # a negative base, half-integer powers
              tuple(R(-2) if i == 0 else R(2 * (i % 2) - 1, 2) for i in range(n))]
    bases += [tuple(rng.choice(POSITIVE) for _ in range(n)) for _ in range(12)]
    bases += [tuple(rng.choice(MIXED) for _ in range(n)) for _ in range(22)]
    bases += [tuple(R(rng.choice((40, -40, 10, -10))) if i == j else rng.choice(POSITIVE) for i in range(n))
              for j in range(n)]
    return bases


def multivariate(ref: sympy.Basic, ans: sympy.Basic, variables: tuple[sympy.Symbol, ...]) -> list[Sample]:
    n = len(variables)
    bases = _bases(n)
    out: list[Sample] = []
    seen: set[tuple[sympy.Expr, ...]] = set()

    def add(vals: tuple[sympy.Expr, ...], note: str = "") -> None:
        if vals not in seen:
            seen.add(vals)
            out.append(Sample(vals, note))

    for b in bases[:3]:
        add(b)
    for i, var in enumerate(variables):
        for k, what in _specials([ref, ans], var)[:6]:
            for base in bases[:5]:
                limits.check()
                others = {v: base[j] for j, v in enumerate(variables) if j != i}
                kv = k.xreplace(others) if k.free_symbols else k
                if kv.free_symbols or numeric_key(kv) is None:
                    continue
                for val, note in _neighbourhood(kv, var, what):
                    vals = tuple(val if j == i else base[j] for j in range(n))
                    add(vals, note)
    for b in bases[3:]:
        add(b)
    return out


MAX_NUMERIC_ROOTS = 6
MAX_SIGN_EVALUATIONS = 600
ROOT_WIDTH = Fraction(1, 10**40)


def _sign_at(g: sympy.Expr, var: sympy.Symbol, v: Fraction) -> int | None:
    point = {var: R(v.numerator, v.denominator)}
    out = evaluate_adaptive(compile_expr(g), point, target_bits=24, max_prec=1024)
    if out.kind != "value" or out.value is None:
        return None
    return sign_of(out.value)


def numeric_kinks(ref: sympy.Basic, ans: sympy.Basic, var: sympy.Symbol, samples: list[Sample],
                  reference_mode: bool) -> list[Sample]:
    """Sign changes of unsolved arguments between sample points, bisected to 1e-40.

    Switch arguments of both expressions count; domain arguments only of the answer and only in
    reference mode (where an answer undefined at a point where the reference is defined is wrong),
    and only those the reference does not share.  The bracketing points (exact rationals on both
    sides of the zero) become extra samples.
    """
    args = list(unsolved_switch_args(ref, var)) + list(unsolved_switch_args(ans, var))
    if reference_mode:
        shared = set(domain_args(ref))
        args += [g for g in unsolved_domain_args(ans, var) if g not in shared]
    args = [g for g in dict.fromkeys(args) if var in g.free_symbols]
    if not args:
        return []
    keys = {numeric_key(s.values[0]) for s in samples}
    xs = sorted(k for k in keys if k is not None)
    budget = MAX_SIGN_EVALUATIONS
    brackets: list[tuple[sympy.Expr, Fraction, Fraction, int]] = []
    for g in args:
        limits.check()
        known: list[tuple[Fraction, int]] = []
        for v in xs:
            budget -= 1
            s = _sign_at(g, var, v)
            if s:
                known.append((v, s))
        brackets += [(g, lo, hi, s_lo) for (lo, s_lo), (hi, s_hi) in itertools.pairwise(known) if s_lo != s_hi]
    brackets.sort(key=lambda b: min(abs(b[1]), abs(b[2])))  # zeros near the origin matter most
    out: list[Sample] = []
    for g, lo, hi, s_lo in brackets[:MAX_NUMERIC_ROOTS]:
        while hi - lo > ROOT_WIDTH * max(Fraction(1), abs(lo)) and budget > 0:
            limits.check()
            budget -= 1
            mid = (lo + hi) / 2
            s_mid = _sign_at(g, var, mid)
            if s_mid is None or s_mid == 0:
                lo = hi = mid
                break
            if s_mid == s_lo:
                lo = mid
            else:
                hi = mid
        note = f"near a zero of {g} found numerically"
        for v in (lo, hi, lo - Fraction(1, 10**6), hi + Fraction(1, 10**6)):
            out.append(Sample((R(v.numerator, v.denominator),), note))
    return out


# Values at which a real power of a negative base is defined: integers (and products of them with
# halves and thirds that are integers). Random points miss these sets of measure zero, where
# (a^b)^c and a^(b*c) differ (a = -1, b = 2, c = 1/2).
LATTICE = [R(-1), R(2), R(1, 2), R(-2), R(3), R(1, 3), R(-1, 2), R(3, 2), R(2, 3), R(0)]
MAX_LATTICE = 600


def power_variables(exprs: list[sympy.Basic], variables: tuple[sympy.Symbol, ...]) -> list[sympy.Symbol]:
    """Variables in a power whose exponent varies and whose base may be negative (the base's and the
    exponent's), in the order given."""
    found: set[sympy.Symbol] = set()
    for e in exprs:
        for p in e.atoms(sympy.Pow):
            base, ex = p.args
            if not ex.free_symbols or base.is_positive or base.is_nonnegative:
                continue
            found |= p.free_symbols
    return [v for v in variables if v in found]


def power_lattice(ref: sympy.Basic, ans: sympy.Basic, variables: tuple[sympy.Symbol, ...]) -> list[Sample]:
    """Points where the variables of such powers take the lattice values (a full grid when small,
    a deterministic selection of it otherwise); the other variables keep generic values."""
    special = power_variables([ref, ans], variables)
    if not special:
        return []
    generic = _bases(len(variables))[0]
    rng = random.Random(SEED + len(special))
    k = len(LATTICE)
    while k ** len(special) > MAX_LATTICE:
        k -= 1  # the simplest values first: a full grid of them beats a random pick of all
    if k >= 3:
        grid = list(itertools.product(LATTICE[:k], repeat=len(special)))
    else:
        grid = list(dict.fromkeys(tuple(rng.choice(LATTICE) for _ in special) for _ in range(MAX_LATTICE)))
    out: list[Sample] = []
    for combo in grid:
        chosen = dict(zip(special, combo, strict=True))
        vals = tuple(chosen.get(v, generic[i]) for i, v in enumerate(variables))
        out.append(Sample(vals, "a point where a power of a negative base is real"))
    return out
