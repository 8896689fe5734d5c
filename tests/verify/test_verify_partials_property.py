"""Property: a worked solution's partial-derivative steps about `define:` helpers are judged by what they
say, whatever the order of `variables:`. For sheets in 2-4 variables, in every order, every true step
`\\frac{\\partial H}{\\partial v} = ...` passes and every step with a changed coefficient or variable
fails, at its own line.

The steps and their truth are made here from monomials (the right sides are differentiated by hand,
not by the code under test); sympy only says whether a changed step is still true.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.sheets.files import load_text as load_sheet
from grader.sheets.solutions import load_text as load_solutions
from grader.verify.solutions import check_solution

POOL = ("x", "w", "b", "y", "z", "v")


@dataclass(frozen=True)
class Term:
    """coef * Π var^power, times e^{exp_of} when exp_of is set."""

    coef: int
    powers: tuple[tuple[str, int], ...]
    exp_of: str = ""

    def latex(self) -> str:
        factors = [f"{v}^{{{k}}}" if k > 1 else v for v, k in self.powers if k]
        if self.exp_of:
            factors.append(f"e^{{{self.exp_of}}}")
        if not factors:
            return str(self.coef)
        head = "" if self.coef == 1 else "-" if self.coef == -1 else f"{self.coef} "
        return head + " ".join(factors)

    def sympy(self) -> sympy.Expr:
        e = sympy.Integer(self.coef) * sympy.Mul(*(sympy.Symbol(v, real=True) ** k for v, k in self.powers))
        return e * sympy.exp(sympy.Symbol(self.exp_of, real=True)) if self.exp_of else e

    def partial(self, var: str) -> list[Term]:
        out = []
        powers = dict(self.powers)
        if powers.get(var, 0):
            k = powers[var]
            out.append(Term(self.coef * k, tuple((v, p - 1 if v == var else p) for v, p in self.powers), self.exp_of))
        if self.exp_of == var:
            out.append(self)
        return out


def latex(terms: list[Term]) -> str:
    if not terms:
        return "0"
    text = terms[0].latex()
    for t in terms[1:]:
        s = t.latex()
        text += f" - {s[1:]}" if s.startswith("-") else f" + {s}"
    return text


def total(terms: list[Term]) -> sympy.Expr:
    return sympy.Add(*(t.sympy() for t in terms))


@st.composite
def terms(draw: st.DrawFn, variables: tuple[str, ...]) -> list[Term]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        coef = draw(st.integers(-4, 5).filter(bool))
        powers = tuple((v, draw(st.integers(0, 2))) for v in variables)
        exp_of = draw(st.sampled_from(("", *variables)))
        if not exp_of and not any(k for _, k in powers):
            powers = ((variables[0], 1), *powers[1:])
        out.append(Term(coef, powers, exp_of))
    return out


def mutated(rhs: list[Term], variables: tuple[str, ...], draw: st.DrawFn) -> list[Term]:
    """The right side with one coefficient changed, or one variable put for another in one term."""
    i = draw(st.integers(0, len(rhs) - 1))
    t = rhs[i]
    used = [v for v, k in t.powers if k] + ([t.exp_of] if t.exp_of else [])
    if used and draw(st.booleans()):
        old = draw(st.sampled_from(used))
        new = draw(st.sampled_from([v for v in variables if v != old]))
        swap = {old: new, new: old}
        t = Term(t.coef, tuple((swap.get(v, v), k) for v, k in t.powers), swap.get(t.exp_of, t.exp_of))
    else:
        t = replace(t, coef=t.coef + draw(st.sampled_from([-2, -1, 1, 2])))
    return [*rhs[:i], t, *rhs[i + 1:]]


SHEET = """\
id: poly
title: Helpers
variables: [{variables}]
questions:
  - id: q
    title: Q
    statement: $f = {latex}$.
    function: {student}
    parts:
      - id: a
        ask: Find the partial derivative.
        kind: expression
        answer: {answer}
        derivative: {wrt}
"""


def student(terms: list[Term]) -> str:
    return str(total(terms)).replace("**", "^") if terms else "0"


@dataclass(frozen=True)
class Case:
    variables: tuple[str, ...]
    solutions: str
    first: list[Term]
    wrt: str
    wrong: dict[int, str]  # line -> the step, for steps that are false


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(2, 4))
    variables = tuple(draw(st.permutations(POOL))[:n])
    helpers = {"H": draw(terms(variables)), "K": draw(terms(variables))}
    lines = ["sheet: poly", "solutions:", "  q.a:", "    title: T", "    steps:",
             "      - say: Let",
             f"        define: {{H: '{latex(helpers['H'])}', K: '{latex(helpers['K'])}', G: 'H K'}}",
             "        prose: true"]
    wrong: dict[int, str] = {}
    for (name, body), var in itertools.product(helpers.items(), variables):
        rhs = [p for t in body for p in t.partial(var)]
        changed = draw(st.booleans()) and rhs
        if changed:
            rhs = mutated(rhs, variables, draw)
        claim = f"\\frac{{\\partial {name}}}{{\\partial {var}}} = {latex(rhs)}"
        form = draw(st.sampled_from(["leibniz", "operator"]))
        if form == "operator":
            claim = f"\\frac{{\\partial}}{{\\partial {var}}} {name} = {latex(rhs)}"
        lines.append(f"      - math: '{claim}'")
        truth = sympy.diff(total(body), sympy.Symbol(var, real=True))
        if changed and sympy.expand(truth - total(rhs)) != 0:
            wrong[len(lines)] = claim
    # the product rule, in helpers: G = H K
    var, other = draw(st.permutations(variables))[:2]
    coef, wrt_k = 1, var
    how = draw(st.sampled_from(["true", "coefficient", "variable"]))
    if how == "coefficient":
        coef = draw(st.sampled_from([-1, 2, 3]))
    elif how == "variable":
        wrt_k = other
    claim = (f"\\frac{{\\partial G}}{{\\partial {var}}} = K \\frac{{\\partial H}}{{\\partial {var}}} + "
             f"{'' if coef == 1 else '-' if coef == -1 else coef} H \\frac{{\\partial K}}{{\\partial {wrt_k}}}")
    lines.append(f"      - math: '{claim}'")
    h, k = total(helpers["H"]), total(helpers["K"])
    sym = {v: sympy.Symbol(v, real=True) for v in (var, wrt_k)}
    truth = sympy.diff(h * k, sym[var])
    said = k * sympy.diff(h, sym[var]) + coef * h * sympy.diff(k, sym[wrt_k])
    if sympy.expand(truth - said) != 0:
        wrong[len(lines)] = claim
    wrt = variables[0]
    answer = [p for t in helpers["H"] for p in t.partial(wrt)]
    lines.append(f"    result: '\\frac{{\\partial}}{{\\partial {wrt}}} \\left({latex(helpers['H'])}\\right) = "
                 f"{latex(answer)}'")
    return Case(variables, "\n".join(lines) + "\n", helpers["H"], wrt, wrong)


def problem_lines(case: Case, order: tuple[str, ...]) -> dict[int, str]:
    answer = [p for t in case.first for p in t.partial(case.wrt)]
    sheet = load_sheet(SHEET.format(variables=", ".join(order), latex=latex(case.first), student=student(case.first),
                                    answer=student(answer), wrt=case.wrt), "exercises/poly.yaml")
    file = load_solutions(case.solutions, "solutions/poly.yaml")
    solution = file.solutions["q.a"]
    problems = check_solution(sheet, solution, case.solutions.splitlines()).problems
    return {p.line: p.message for p in problems}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_partial_steps_about_helpers_are_judged_the_same_in_every_order(case: Case, data: st.DataObject) -> None:
    orders = list(itertools.permutations(case.variables))
    if len(orders) > 6:  # four variables: 24 orders; a sample of them keeps the test fast
        orders = [orders[0], orders[-1], *data.draw(st.lists(st.sampled_from(orders), min_size=2, max_size=2))]
    for order in orders:
        got = problem_lines(case, order)
        assert set(got) == set(case.wrong), (order, got, case.wrong, case.solutions)
        assert all("does not hold" in message for message in got.values()), got
