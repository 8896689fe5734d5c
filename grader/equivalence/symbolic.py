"""Exact proof of an identity by reduction to rational functions over Q.

Every expression of the smooth class is rewritten as a rational function of "atoms":
  * the variables (or r = v**(1/q) when a fractional power of the variable v occurs; then v = r**q),
  * t_m = exp(g*m) for each term m appearing (linearly, with rational coefficients) in an exp argument,
    g the gcd of those coefficients (hyperbolic functions are written with exp; E is exp(1)),
  * s_m = tan(m/(2q)) for each term m in a trigonometric argument (Weierstrass substitution),
  * opaque atoms (log(...), atan(...), Abs(...), ...) compared structurally.
If the two rational functions are identical, the expressions agree wherever both are defined:
substituting the actual values of the atoms is a ring homomorphism.  When the only atoms are
variables and exp(v/q), exp(1/q), the atoms are algebraically independent, so a non-zero difference
proves the functions differ (almost everywhere): a decision procedure for that class.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import sympy

from grader.core import limits
from grader.equivalence import fallbacks
from grader.equivalence.ratfunc import RatFunc, Ring

MAX_POWER = 400  # largest exponent of an atom we are willing to expand
MAX_CONST_BITS = 100_000  # c**n of a big power's constant factor
_HYP = ("sinh", "cosh", "tanh", "sech", "csch", "coth")
_TRIG = ("sin", "cos", "tan", "sec", "csc", "cot")


class CannotConvert(Exception):
    """Outside what this prover handles (sizes, floats in exponents, formal division by zero)."""


ProofMethod = Literal["rational", "exp-rational", "symbolic", "piecewise"]


@dataclass(frozen=True)
class Proof:
    verdict: Literal["equal", "different", "unknown"]  # "different" only in the decidable class
    method: ProofMethod
    detail: str


def _terms(arg: sympy.Expr) -> list[tuple[sympy.Rational, sympy.Expr]]:
    """arg as a sum of c*m with rational c (m = 1 for the constant term)."""
    if any(isinstance(t, sympy.Mul) and any(isinstance(f, sympy.Add) for f in t.args)
           for t in sympy.Add.make_args(arg)):
        arg = sympy.expand_mul(arg)
    out = []
    for t in sympy.Add.make_args(arg):
        c, m = t.as_coeff_Mul()
        if not isinstance(c, sympy.Rational):
            raise CannotConvert("non-rational coefficient")
        out.append((c, m))
    return out


class _Scan:
    """First pass: which atoms occur, and the common denominators q for each."""

    def __init__(self) -> None:
        self.exp_step: dict[sympy.Expr, sympy.Rational] = {}  # m -> g: every exp(c*m) is exp(g*m)**k
        self.trig_q: dict[sympy.Expr, int] = {}
        self.root_q: dict[sympy.Expr, int] = {}
        self.opaque: set[sympy.Expr] = set()
        self.variables: set[sympy.Symbol] = set()
        # base -> (constant, [(factor, multiplicity)]) for powers beyond MAX_POWER, and per factor
        # the exponents it carries: such a power is never expanded, (factor)^m is an atom
        self.factored: dict[sympy.Expr, tuple[sympy.Rational, list[tuple[sympy.Expr, int]]]] = {}
        self.big: dict[sympy.Expr, set[int]] = {}

    def walk(self, e: sympy.Basic) -> None:
        limits.check()
        name = type(e).__name__
        if isinstance(e, sympy.Symbol):
            self.variables.add(e)
        elif isinstance(e, (sympy.Rational, sympy.Float)):
            pass
        elif e is sympy.E:
            self._exp(sympy.S.One)
        elif isinstance(e, (sympy.Add, sympy.Mul)):
            for a in e.args:
                self.walk(a)
        elif isinstance(e, sympy.Pow):
            b, x = e.args
            if isinstance(x, sympy.Integer):
                if abs(x) > MAX_POWER:
                    self._big(b, abs(int(x)))
                self.walk(b)
            elif isinstance(x, sympy.Rational):
                self.root_q[b] = math.lcm(self.root_q.get(b, 1), int(x.q))
                self.walk(b)
            elif b.is_number and b.is_positive:
                self._exp(x * sympy.log(b))
            else:
                self.opaque.add(e)
        elif name == "exp" or name in _HYP:
            self._exp(e.args[0])
        elif name in _TRIG:
            self._lin(self.trig_q, e.args[0])
        else:
            self.opaque.add(e)

    def _big(self, base: sympy.Expr, n: int) -> None:
        if base not in self.factored:
            self.factored[base] = _factors(base)
        for f, k in self.factored[base][1]:
            if k * n > MAX_POWER:
                self.big.setdefault(f, set()).add(k * n)

    def _exp(self, arg: sympy.Expr) -> None:
        """The step g of each term: the gcd of its coefficients, so exp(0.044715 x^3) is t**1, not t**8943."""
        for c, m in _terms(arg):
            if c != 0:
                g = self.exp_step.get(m, abs(c))
                self.exp_step[m] = sympy.Rational(math.gcd(g.p * c.q, c.p * g.q), g.q * c.q)
            if m is not sympy.S.One:
                self.walk(m)

    def _lin(self, table: dict[sympy.Expr, int], arg: sympy.Expr) -> None:
        for c, m in _terms(arg):
            table[m] = math.lcm(table.get(m, 1), int(c.q))
            if m is not sympy.S.One:
                self.walk(m)


def _factors(base: sympy.Expr) -> tuple[sympy.Rational, list[tuple[sympy.Expr, int]]]:
    """base = c * prod f**k: irreducible factors for a small polynomial over Q, so (x-a)^n and
    (a-x)^n, or (x+y)^n (x-y)^n and (x^2-y^2)^n, share atoms; else the base itself up to its sign."""
    syms = sorted(base.free_symbols, key=sympy.default_sort_key)
    if syms and base.is_polynomial(*syms) and all(isinstance(a, sympy.Rational) for a in base.atoms(sympy.Number)) \
            and sympy.count_ops(base) <= 60:
        c, fs = sympy.factor_list(base, *syms)
        if isinstance(c, sympy.Rational):
            return c, [(f, int(k)) for f, k in fs]
    if base.could_extract_minus_sign():
        return sympy.Integer(-1), [(-base, 1)]
    return sympy.Integer(1), [(base, 1)]


class _Build:
    """Second pass: the rational function over Q in the atoms."""

    def __init__(self, scan: _Scan) -> None:
        self.scan = scan
        keys: list[tuple[str, Any]] = []
        keys += [("root", b) for b in sorted(scan.root_q, key=sympy.default_sort_key)]
        keys += [("var", v) for v in sorted(scan.variables, key=sympy.default_sort_key)
                 if v not in scan.root_q]
        keys += [("exp", m) for m in sorted(scan.exp_step, key=sympy.default_sort_key)]
        keys += [("tan", m) for m in sorted(scan.trig_q, key=sympy.default_sort_key) if not m.is_number]
        for m in sorted(scan.trig_q, key=sympy.default_sort_key):
            if m.is_number:  # constant angles: cos and sin as two opaque atoms (cheaper than tan(m/2))
                keys += [("cos", m), ("sin", m)]
        keys += [("atom", a) for a in sorted(scan.opaque, key=sympy.default_sort_key)]
        keys += [("big", f) for f in sorted(scan.big, key=sympy.default_sort_key)]
        self.keys = keys
        self.field = Ring(len(keys))
        self.gen = {k: self.field.gens[i] for i, k in enumerate(keys)}
        self.memo: dict[sympy.Basic, RatFunc] = {}

    def const(self, r: sympy.Rational) -> RatFunc:
        return self.field.const(int(r.p), int(r.q))

    def power(self, base: RatFunc, n: int) -> RatFunc:
        if abs(n) > MAX_POWER:
            raise CannotConvert("power too large")
        if n < 0 and base.is_zero():
            raise CannotConvert("formal division by zero")
        return base**n

    def conv(self, e: sympy.Basic) -> RatFunc:
        hit = self.memo.get(e)
        if hit is None:
            hit = self.memo[e] = self._conv(e)
        return hit

    def _conv(self, e: sympy.Basic) -> RatFunc:
        limits.check()
        name = type(e).__name__
        if isinstance(e, sympy.Rational):
            return self.const(e)
        if isinstance(e, sympy.Float):
            p, q = sympy.Rational(e).as_numer_denom()
            return self.const(sympy.Rational(p, q))
        if isinstance(e, sympy.Symbol):
            if e in self.scan.root_q:
                return self.power(self.gen[("root", e)], self.scan.root_q[e])
            return self.gen[("var", e)]
        if e is sympy.E:
            return self.power(self.gen[("exp", sympy.S.One)], int(1 / self.scan.exp_step[sympy.S.One]))
        if isinstance(e, sympy.Add):
            acc = self.field.zero
            for a in e.args:
                acc += self.conv(a)
            return acc
        if isinstance(e, sympy.Mul):
            acc = self.field.one
            for a in e.args:
                acc *= self.conv(a)
            return acc
        if isinstance(e, sympy.Pow):
            b, x = e.args
            if isinstance(x, sympy.Integer):
                if abs(x) > MAX_POWER:
                    return self.big_power(b, int(x))
                return self.power(self.conv(b), int(x))
            if isinstance(x, sympy.Rational):
                q = self.scan.root_q[b]
                return self.power(self.gen[("root", b)], int(x.p) * (q // int(x.q)))
            if b.is_number and b.is_positive:
                return self.exp_of(x * sympy.log(b))
            return self.gen[("atom", e)]
        if name == "exp":
            return self.exp_of(e.args[0])
        if name in _HYP:
            p = self.exp_of(e.args[0])
            n = self.power(p, -1)
            two = self.const(sympy.Integer(2))
            sh, ch = (p - n) / two, (p + n) / two
            table: dict[str, Callable[[], RatFunc]] = {
                "sinh": lambda: sh, "cosh": lambda: ch, "tanh": lambda: sh / ch,
                "sech": lambda: self.power(ch, -1), "csch": lambda: self.power(sh, -1),
                "coth": lambda: ch * self.power(sh, -1),
            }
            return table[name]()
        if name in _TRIG:
            c, s = self.unit(e.args[0])
            trig: dict[str, Callable[[], RatFunc]] = {
                "sin": lambda: s, "cos": lambda: c, "tan": lambda: s * self.power(c, -1),
                "sec": lambda: self.power(c, -1), "csc": lambda: self.power(s, -1),
                "cot": lambda: c * self.power(s, -1),
            }
            return trig[name]()
        return self.gen[("atom", e)]

    def big_power(self, base: sympy.Expr, n: int) -> RatFunc:
        """base**n as c**n * prod over factors of atom**q * factor**r, where atom = factor**m."""
        c, factors = self.scan.factored[base]
        if max(int(c.p).bit_length(), int(c.q).bit_length()) * abs(n) > MAX_CONST_BITS:
            raise CannotConvert("constant too large")
        acc = self.field.const(int(c.p) ** abs(n), int(c.q) ** abs(n))
        for f, k in factors:
            total = k * abs(n)
            if total <= MAX_POWER:
                acc *= self.power(self.conv(f), total)
                continue
            q, r = divmod(total, min(self.scan.big[f]))
            acc *= self.power(self.gen[("big", f)], q) * self.power(self.conv(f), r)
        return self.power(acc, -1) if n < 0 else acc

    def exp_of(self, arg: sympy.Expr) -> RatFunc:
        acc = self.field.one
        for c, m in _terms(arg):
            if c != 0:
                acc *= self.power(self.gen[("exp", m)], int(c / self.scan.exp_step[m]))
        return acc

    def unit(self, arg: sympy.Expr) -> tuple[RatFunc, RatFunc]:
        """(cos(arg), sin(arg)) through s = tan(theta/2) for each term's base angle theta = m/q."""
        one = self.field.one
        c_acc, s_acc = one, self.field.zero
        for coeff, m in _terms(arg):
            k = int(coeff * self.scan.trig_q[m])
            if abs(k) > MAX_POWER:
                raise CannotConvert("angle multiple too large")
            if m.is_number:
                c1, s1 = self.gen[("cos", m)], self.gen[("sin", m)]
            else:
                t = self.gen[("tan", m)]
                den = one + t * t
                c1, s1 = (one - t * t) / den, (t + t) / den
            ck, sk = one, self.field.zero
            for _ in range(abs(k)):
                ck, sk = ck * c1 - sk * s1, ck * s1 + sk * c1
            if k < 0:
                sk = -sk
            c_acc, s_acc = c_acc * ck - s_acc * sk, c_acc * sk + s_acc * ck
        return c_acc, s_acc

    def decidable(self) -> bool:
        return all(kind == "var" or (kind == "exp" and (m is sympy.S.One or isinstance(m, sympy.Symbol)))
                   for kind, m in self.keys)

    def kinds(self) -> ProofMethod:
        kinds = {k for k, _ in self.keys}
        if kinds <= {"var"}:
            return "rational"
        if kinds <= {"var", "exp"}:
            return "exp-rational"
        return "symbolic"


def _used(build: _Build, elems: list[RatFunc]) -> list[tuple[str, Any]]:
    used: set[int] = set()
    for el in elems:
        for monom in el.monoms():
            used.update(i for i, d in enumerate(monom) if d)
    return [k for i, k in enumerate(build.keys) if i in used]


def _name(build: _Build, kind: str, m: Any) -> str:
    if kind == "exp":
        g = build.scan.exp_step[m]
        if g != 1:
            return f"e^({m}/{g.q})" if g.p == 1 else f"e^({g}*{m})"
        return f"e^{m}" if isinstance(m, sympy.Symbol) or m is sympy.S.One else f"e^({m})"
    if kind == "tan":
        return f"tan({m}/{2 * build.scan.trig_q[m]})"
    if kind == "big":
        return f"({m})^{min(build.scan.big[m])}"
    if kind == "root":
        return f"({m})^(1/{build.scan.root_q[m]})"
    if kind in ("cos", "sin"):
        q = build.scan.trig_q[m]
        return f"{kind}({m}/{q})" if q != 1 else f"{kind}({m})"
    return str(m)


def _describe(build: _Build, used: list[tuple[str, Any]]) -> str:
    if not used:
        return "both simplify to the same constant"
    if len(used) == 1 and used[0][0] == "exp":
        return f"both are the same rational function of t = {_name(build, *used[0])}"
    return "both are the same rational function of " + ", ".join(_name(build, k, m) for k, m in used)


def prove_identity(a: sympy.Expr, b: sympy.Expr) -> Proof:
    """Compare two smooth expressions as rational functions of their atoms."""
    a = sympy.Integer(a) if isinstance(a, int) else a
    b = sympy.Integer(b) if isinstance(b, int) else b
    try:
        scan = _Scan()
        scan.walk(a)
        scan.walk(b)
        build = _Build(scan)
        fa, fb = build.conv(a), build.conv(b)
        diff = fa - fb
    except (CannotConvert, KeyError, ZeroDivisionError, sympy.PolynomialError, RecursionError) as exc:
        if isinstance(exc, RecursionError):
            fallbacks.cut()
        return Proof("unknown", "symbolic", f"no symbolic proof ({exc.__class__.__name__})")
    method = build.kinds()
    used = _used(build, [fa, fb])
    if diff.is_zero():
        return Proof("equal", method, _describe(build, used))
    if build.decidable():
        names = ", ".join(_name(build, k, m) for k, m in used) or "nothing (constants)"
        return Proof("different", method, f"the difference is a non-zero rational function of {names}")
    return Proof("unknown", method, "no symbolic proof")
