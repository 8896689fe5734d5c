"""The derivatives that one broken rule gives: a bug library generated from the question's function.

A tutor's mal-rules (Brown & Burton's BUGGY, Sleeman): the chain rule without its inner derivative
(or with the inside differentiated by another variable), the product rule with one term or as the
product of the derivatives, the quotient rule reversed, unsquared or as u'/v', the power rule with
the exponent kept or not brought down, a constant factor dropped, the sign of one term or of the
whole answer flipped, the partial derivative by another variable. Each candidate is the function
differentiated correctly everywhere but at one node, where one rule is broken.

Only sympy, no student text: grader.grading.diagnosis matches a wrong answer against these, by proof.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from grader.parsing import sheet_function

MAX_NODES = 40  # sites visited per function: a bound on the candidates, whatever the function
Path = tuple[int, ...]


@dataclass(frozen=True)
class Site:
    """A node where a rule is applied, with what the words about it need."""

    path: Path
    rule: str  # "chain", "product", "quotient", "power", "constant", "sum"
    node: sympy.Expr
    parts: Mapping[str, sympy.Expr] = field(default_factory=dict)  # u, du, v, dv, n, c, ...


@dataclass(frozen=True)
class Candidate:
    """The derivative with one rule broken at one node, and the sentence that says so (LaTeX in $…$)."""

    expr: sympy.Expr
    rule: str  # chain, chain_var, product_one, product_derivs, quotient_reversed, quotient_unsquared,
    #            quotient_ratio, power_unreduced, power_undropped, constant, term_sign, sign, other_var
    words: str


@dataclass(frozen=True)
class _Break:
    path: Path
    rule: str
    arg: int = 0


Definitions = Mapping[str, tuple[tuple[sympy.Symbol, ...], sympy.Expr]]  # name -> (params, body)


class _Derivative:
    """d/dx by the rules a student uses, breaking one of them at `broken` (None: all kept)."""

    def __init__(self, x: sympy.Symbol, definitions: Definitions, broken: _Break | None = None,
                 visit: Callable[[Site], None] | None = None) -> None:
        self.x, self.definitions, self.broken, self.visit = x, definitions, broken, visit

    def _at(self, path: Path, rule: str) -> _Break | None:
        b = self.broken
        return b if b is not None and b.path == path and b.rule.startswith(rule) else None

    def _site(self, path: Path, rule: str, node: sympy.Expr, **parts: sympy.Expr) -> None:
        if self.visit is not None:
            self.visit(Site(path, rule, node, parts))

    def d(self, e: sympy.Expr, path: Path = ()) -> sympy.Expr:
        x = self.x
        if x not in e.free_symbols:
            return sympy.Integer(0)
        if e == x:
            return sympy.Integer(1)
        if isinstance(e, sympy.Add):
            return self._sum(e, path)
        if isinstance(e, sympy.Mul):
            return self._product(e, path)
        if isinstance(e, sympy.Pow):
            return self._power(e, path)
        if isinstance(e, AppliedUndef) and e.func.__name__ in self.definitions:
            return self._sheet_function(e, path)
        if isinstance(e, sympy.Piecewise):
            return self._pieces(e, path)
        if isinstance(e, sympy.Function) and len(e.args) == 1 and not isinstance(e, _NO_RULE):
            u = e.args[0]
            return self._chain(e, path, u, self.d(u, (*path, 0)), _outer_derivative(e))
        return sympy.diff(self._expanded(e), x)  # Piecewise, max, …: no rule a student breaks here

    def _expanded(self, e: sympy.Expr) -> sympy.Expr:
        for name, (params, body) in self.definitions.items():
            e = e.replace(sheet_function(name), sympy.Lambda(params, body))
        return e

    def _pieces(self, e: sympy.Piecewise, path: Path) -> sympy.Expr:
        """Each piece differentiated on its own interval (the kinks are the part's `at_kinks` business)."""
        pieces = [(expr, cond) for expr, cond in e.args]
        ds = [self.d(expr, (*path, i)) for i, (expr, _) in enumerate(pieces)]
        self._site(path, "pieces", e)
        b = self._at(path, "piece")
        if b is not None and b.rule == "piece_kept":
            ds[b.arg] = pieces[b.arg][0]
        if b is not None and b.rule == "piece_flat":
            ds[b.arg] = sympy.Integer(0)
        if b is not None and b.rule == "pieces_swapped" and len(ds) == 2:
            ds.reverse()
        return sympy.Piecewise(*[(d, cond) for d, (_, cond) in zip(ds, pieces, strict=True)])

    def _sum(self, e: sympy.Add, path: Path) -> sympy.Expr:
        terms = e.args
        ds = [self.d(t, (*path, i)) for i, t in enumerate(terms)]
        if sum(1 for d in ds if d != 0) >= 2:
            self._site(path, "sum", e)
        b = self._at(path, "term_sign")
        if b is not None:
            ds[b.arg] = -ds[b.arg]
        # ((w - t)^2 + (2w - 1)^2)/2 reaches sympy spread over the terms: its 1/2 is one constant factor
        content, rest = e.as_content_primitive()
        if content != 1 and sum(1 for d in ds if d != 0) >= 2:
            self._site(path, "constant", e, c=content, rest=rest)
            if self._at(path, "constant"):
                return _Derivative(self.x, self.definitions).d(rest)
        return sympy.Add(*ds)

    def _product(self, e: sympy.Mul, path: Path) -> sympy.Expr:
        const, dep = e.as_independent(self.x, as_Add=False)
        if const != 1:
            inner = self.d(dep, (*path, 0))
            self._site(path, "constant", e, c=const, rest=dep)
            return inner if self._at(path, "constant") else const * inner
        den_factors = [f for f in e.args if isinstance(f, sympy.Pow) and f.exp.is_negative
                       and self.x in f.base.free_symbols]
        if den_factors and len(den_factors) < len(e.args):
            v = sympy.Mul(*[1 / f for f in den_factors])
            u = sympy.Mul(*[f for f in e.args if f not in den_factors])
            du, dv = self.d(u, (*path, 0)), self.d(v, (*path, 1))
            self._site(path, "quotient", e, u=u, v=v, du=du, dv=dv)
            b = self._at(path, "quotient")
            if b is not None and b.rule == "quotient_reversed":
                return (u * dv - du * v) / v**2
            if b is not None and b.rule == "quotient_unsquared":
                return (du * v - u * dv) / v
            if b is not None and b.rule == "quotient_ratio" and dv != 0:
                return du / dv
            return (du * v - u * dv) / v**2
        f, g = e.args[0], sympy.Mul(*e.args[1:])
        df, dg = self.d(f, (*path, 0)), self.d(g, (*path, 1))
        if df != 0 and dg != 0:
            self._site(path, "product", e, u=f, v=g, du=df, dv=dg)
        b = self._at(path, "product")
        if b is not None and b.rule == "product_one":
            return df * g if b.arg == 0 else f * dg
        if b is not None and b.rule == "product_derivs":
            return df * dg
        if b is not None and b.rule == "product_lost":  # a term without its other factor: f'g + g'
            return df * g + dg if b.arg == 0 else df + f * dg
        return df * g + f * dg

    def _power(self, e: sympy.Pow, path: Path) -> sympy.Expr:
        base, n = e.args
        x = self.x
        if x not in n.free_symbols:
            db = self.d(base, (*path, 0))
            self._site(path, "power", e, b=base, n=n, db=db)
            b = self._at(path, "power")
            if b is not None and b.rule == "power_unreduced":
                return n * base**n * db
            if b is not None and b.rule == "power_undropped":
                return base ** (n - 1) * db
            return self._chain(e, path, base, db, n * base ** (n - 1))
        if x not in base.free_symbols:  # a^u
            return self._chain(e, path, n, self.d(n, (*path, 1)), e * sympy.log(base))
        return sympy.diff(self._expanded(e), x)  # x^x: no rule a student breaks here

    def _chain(self, e: sympy.Expr, path: Path, u: sympy.Expr, du: sympy.Expr, outer: sympy.Expr) -> sympy.Expr:
        """f(u)' = f'(u)·u', where `outer` is f'(u) and `du` is u'."""
        if u == self.x and not isinstance(e, sympy.Abs):  # |x|' = sign(x) is the one a student may drop
            return outer * du
        self._site(path, "chain", e, u=u, du=du, outer=outer)
        b = self._at(path, "chain")
        if b is not None and b.rule == "chain":
            return outer
        if b is not None and b.rule == "chain_outer":  # d/dx log u taken as u', |u|' as u'
            return du
        if b is not None and b.rule == "chain_point" and isinstance(e, sympy.Function) and len(e.args) == 1:
            return outer.xreplace({u: self.x}) * du if u.is_Symbol else self._outer_at_x(e) * du
        if b is not None and b.rule == "chain_var":
            wrong = sorted(u.free_symbols - {self.x}, key=str)
            if b.arg < len(wrong):
                return outer * _Derivative(wrong[b.arg], self.definitions).d(u)
        return outer * du

    def _outer_at_x(self, e: sympy.Function) -> sympy.Expr:
        """f'(x) where the chain rule wants f'(u)."""
        if isinstance(e, AppliedUndef):
            params, body = self.definitions[e.func.__name__]
            return _Derivative(params[0], self.definitions).d(body).xreplace({params[0]: self.x})
        return _outer_derivative(e.func(self.x))

    def _sheet_function(self, e: AppliedUndef, path: Path) -> sympy.Expr:
        params, body = self.definitions[e.func.__name__]
        if len(e.args) == 1 and e.args[0] != self.x:  # f(u): the chain rule at this node, f' from its body
            t, u = params[0], e.args[0]
            outer = _Derivative(t, self.definitions).d(body).xreplace({t: u})
            return self._chain(e, path, u, self.d(u, (*path, 0)), outer)
        inside = body.xreplace(dict(zip(params, e.args, strict=True)))  # f(x), softmax(u, z): its body's rules
        return self.d(inside, (*path, 0))


# Functions whose derivative is no rule a student applies (kinks, steps): sympy differentiates them.
_NO_RULE = (sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.floor, sympy.ceiling, sympy.DiracDelta)


def _factor(e: sympy.Expr) -> str:
    """LaTeX of `e` as a factor: in brackets when it is a sum."""
    text = sympy.latex(e)
    return f"\\left({text}\\right)" if isinstance(e, sympy.Add) else text


def _outer_derivative(e: sympy.Expr) -> sympy.Expr:
    """f'(u) for a built-in f(u): sympy's own derivative, at the inside."""
    t = sympy.Dummy("t", real=True)
    return sympy.diff(e.func(t), t).xreplace({t: e.args[0]})


def derivative(function: sympy.Expr, x: sympy.Symbol, definitions: Definitions) -> sympy.Expr:
    """The derivative as the rules give it (equal to sympy's; used to check this module)."""
    return _Derivative(x, definitions).d(function)


def candidates(function: sympy.Expr, x: sympy.Symbol, variables: tuple[sympy.Symbol, ...],
               definitions: Definitions) -> list[Candidate]:
    """Every derivative one broken rule gives, at most a few per node of the first MAX_NODES nodes."""
    sites: list[Site] = []
    right = _Derivative(x, definitions, visit=sites.append).d(function)
    out: list[Candidate] = []
    several = len(variables) > 1
    for site in sites[:MAX_NODES]:
        for brk, words in _breaks(site, x, several):
            out.append(Candidate(_Derivative(x, definitions, brk).d(function), brk.rule, words))
    out.append(Candidate(-right, "sign", "The sign of the whole answer is wrong: it is the derivative times $-1$."))
    out.append(Candidate(function, "function", "This is the function itself, not its derivative: differentiate it."))
    for v in variables:
        if v != x and v in function.free_symbols:
            out.append(Candidate(sympy.diff(function, v), "other_var",
                                 f"This is the derivative with respect to ${sympy.latex(v)}$; the part asks for "
                                 f"the one with respect to ${sympy.latex(x)}$."))
    return out


def sign_slips(expr: sympy.Expr, *, step: bool = False) -> list[Candidate]:
    """`expr` with the sign of one term of one sum flipped (σ(x)(1 + σ(x)) for σ(x)(1 − σ(x))): a slip in
    writing, not in a rule; for the reference answer, or (`step`) for a derivation's line before."""
    out: list[Candidate] = []
    sums = [node for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Add)][:MAX_NODES]
    for node in sums:
        for term in node.args:
            flipped = expr.xreplace({node: node - 2 * term})
            where = f"${sympy.latex(term)}$ in ${sympy.latex(node)}$"
            out.append(Candidate(flipped, "term_sign", f"A sign: this step flips the sign of {where}." if step
                                 else f"A sign: your answer is right but for the sign of {where}."))
    return out


LE, GE = r"\le", r"\ge"


def _region(pieces: tuple[sympy.Basic, ...], i: int, x: sympy.Symbol) -> str:
    """Where piece `i` of a Piecewise holds, in words: "for $x < 0$", "for $-1 \\le x \\le 1$", "elsewhere"
    (its condition and not the earlier ones'; `True` is never shown)."""
    condition = sympy.And(pieces[i][1], *(sympy.Not(c) for _, c in pieces[:i]))
    try:
        found = condition.as_set() if condition.free_symbols == {x} else None
    except (NotImplementedError, TypeError, ValueError):
        found = None
    if isinstance(found, sympy.Interval):
        low, high, v = found.start, found.end, sympy.latex(x)
        below, above = ("<" if found.left_open else LE), ("<" if found.right_open else LE)
        if low == -sympy.oo and high != sympy.oo:
            return f"for ${v} {above} {sympy.latex(high)}$"
        if high == sympy.oo and low != -sympy.oo:
            return f"for ${v} {'>' if found.left_open else GE} {sympy.latex(low)}$"
        if low != -sympy.oo:
            return f"for ${sympy.latex(low)} {below} {v} {above} {sympy.latex(high)}$"
    if condition == sympy.true or pieces[i][1] == sympy.true:
        return "elsewhere"
    return f"where ${sympy.latex(condition)}$"


def _breaks(site: Site, x: sympy.Symbol, several: bool) -> list[tuple[_Break, str]]:
    """The rules that can break at `site`, each with its sentence."""
    L, p, path = sympy.latex, site.parts, site.path
    node = L(site.node)
    if site.rule == "chain":
        u, du = p["u"], p["du"]
        if u == x:
            return [(_Break(path, "chain_outer"), f"The derivative of ${node}$ is ${L(sympy.sign(x))}$ (it is "
                                                  f"$-1$ for ${L(x)} < 0$); your answer takes it as 1.")]
        inner = (f"the derivative of its inside, ${L(u)}$, which is ${L(du)}$" if du != 0
                 else f"the derivative of its inside, ${L(u)}$")
        found = [(_Break(path, "chain"), f"The chain rule: ${node}$ needs {inner}; your answer is missing that "
                                          f"factor.")]
        if isinstance(site.node, sympy.log):
            found.append((_Break(path, "chain_outer"), f"The derivative of $\\log u$ is $u'/u$: for ${node}$ that is "
                                                       f"${L(du / u)}$; your answer has $u' = {L(du)}$ without "
                                                       f"dividing by $u = {L(u)}$."))
        if isinstance(site.node, sympy.Abs):
            found.append((_Break(path, "chain_outer"), f"The derivative of $|u|$ is $\\operatorname{{sign}}(u)\\,u'$: "
                                                       f"for ${node}$ that is ${L(sympy.sign(u) * du)}$; your answer "
                                                       f"differentiates it as if it were ${L(u)}$."))
        if isinstance(site.node, sympy.Function) and not isinstance(site.node, sympy.Abs | sympy.log):
            found.append((_Break(path, "chain_point"), f"The chain rule: the derivative of ${node}$ takes the outer "
                                                       f"derivative at the inside, ${L(u)}$, not at ${L(x)}$."))
        if several:
            for i, v in enumerate(sorted(u.free_symbols - {x}, key=str)):
                found.append((_Break(path, "chain_var", i),
                              f"The chain rule: differentiate the inside of ${node}$, ${L(u)}$, with respect to "
                              f"${L(x)}$, which gives ${L(du)}$; your answer differentiates it with respect to "
                              f"${L(v)}$ (giving ${L(sympy.diff(u, v))}$)."))
        return found
    if site.rule == "pieces":
        pieces = site.node.args
        where = [_region(pieces, i, x) for i in range(len(pieces))]
        found = [(_Break(path, "piece_kept", i), f"Each piece is differentiated: {where[i]} the function is "
                                                  f"${L(expr)}$, whose derivative your answer does not take.")
                 for i, (expr, cond) in enumerate(pieces) if expr != 0]
        found += [(_Break(path, "piece_flat", i), f"{where[i].capitalize()} the function is ${L(expr)}$, which is "
                                                  f"not constant: its derivative there is not 0.")
                  for i, (expr, cond) in enumerate(pieces) if x in expr.free_symbols]
        if len(pieces) == 2:
            (first, _), (second, _) = pieces
            found.append((_Break(path, "pieces_swapped"), f"The pieces are the other way round: {where[0]} the "
                                                          f"derivative is that of ${L(first)}$, and {where[1]} that "
                                                          f"of ${L(second)}$."))
        return found
    if site.rule == "product":
        f, g, df, dg = p["u"], p["v"], p["du"], p["dv"]
        both = f"${L(df * g)} + {L(f * dg)}$"
        lost = [(_Break(path, "product_lost", i), f"The product rule: the derivative of ${node}$ is {both}; in "
                                                  f"your answer the term ${L(t)}$ lost its factor ${L(k)}$.")
                for i, (t, k) in enumerate(((f * dg, f), (df * g, g)))]
        return [*lost,
            (_Break(path, "product_one", 0), f"The product rule: the derivative of ${node}$ has two terms, {both}; "
                                             f"your answer keeps only the first."),
            (_Break(path, "product_one", 1), f"The product rule: the derivative of ${node}$ has two terms, {both}; "
                                             f"your answer keeps only the second."),
            (_Break(path, "product_derivs"), f"The product rule: the derivative of ${node}$ is {both}, not the "
                                             f"product of the derivatives, ${L(df * dg)}$."),
        ]
    if site.rule == "quotient":
        u, v, du, dv = p["u"], p["v"], p["du"], p["dv"]
        top = f"{_factor(v)} \\cdot {_factor(du)} - {_factor(u)} \\cdot {_factor(dv)}"
        found = [
            (_Break(path, "quotient_reversed"), f"The quotient rule: the numerator of the derivative of ${node}$ is "
                                                f"$v u' - u v'$, in that order: ${top}$; your answer has it the "
                                                f"other way round."),
            (_Break(path, "quotient_unsquared"), f"The quotient rule: the derivative of ${node}$ is divided by the "
                                                 f"square of the denominator, ${L(v**2)}$, not by ${L(v)}$."),
        ]
        if dv != 0:
            found.append((_Break(path, "quotient_ratio"), f"The quotient rule: the derivative of ${node}$ is not "
                                                          f"the ratio of the derivatives, ${L(du / dv)}$; it is "
                                                          f"$(v u' - u v')/v^2$ with $u = {L(u)}$, $v = {L(v)}$."))
        return found
    if site.rule == "power":
        b, n, db = p["b"], p["n"], p["db"]
        right = L(n * b ** (n - 1) * db)
        return [
            (_Break(path, "power_unreduced"), f"The power rule: the derivative of ${node}$ is ${right}$: the "
                                              f"exponent goes down by one, to ${L(n - 1)}$; your answer keeps "
                                              f"${L(n)}$."),
            (_Break(path, "power_undropped"), f"The power rule: the derivative of ${node}$ is ${right}$: the "
                                              f"exponent ${L(n)}$ comes down as a factor, which your answer "
                                              f"lacks."),
        ]
    if site.rule == "constant":
        c = p["c"]
        if c == -1:
            return [(_Break(path, "constant"), f"A sign: the derivative of ${node}$ keeps its minus sign, which "
                                               f"your answer drops.")]
        return [(_Break(path, "constant"), f"A constant factor stays when differentiating: the derivative of "
                                           f"${node}$ keeps the factor ${L(c)}$, which your answer drops.")]
    if site.rule == "sum":
        found = []
        for i, term in enumerate(site.node.args):
            if x in term.free_symbols:
                found.append((_Break(path, "term_sign", i), f"A sign: in the derivative of ${node}$, the term from "
                                                            f"${L(term)}$ has the wrong sign in your answer."))
        return found
    return []


__all__ = ["Candidate", "Site", "candidates", "derivative", "sign_slips"]
