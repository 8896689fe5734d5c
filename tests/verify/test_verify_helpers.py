"""`define:` helpers in worked solutions mean their definition, whatever the order of `variables:`.

With `variables: [x, w, y]`, `define: {P: 'w x'}` then `\\frac{\\partial P}{\\partial w} = 2w` passed and
the right `= x` failed: the helper was taken at the differentiation variable, P(w) = w·w."""

from __future__ import annotations

import pytest

from grader.sheets.files import load_text as load_sheet
from grader.sheets.solutions import load_text as load_solutions
from grader.verify.claim_math import Env, Unchecked, resolve
from grader.verify.solutions import check_solution

SHEET = """\
id: sq
title: Product
variables: [{variables}]
questions:
  - id: p
    title: P
    statement: $P = w x$.
    function: w*x
    parts:
      - id: a
        ask: Find $\\frac{{\\partial P}}{{\\partial w}}$.
        kind: expression
        answer: x
        derivative: w
"""


def quoted(latex: str) -> str:
    return "'" + latex.replace("'", "''") + "'"


def problems(variables: str, *steps: str, prose: bool = False) -> dict[int, str]:
    lines = ["sheet: sq", "solutions:", "  p.a:", "    title: T", "    steps:", "      - say: 'Let'",
             "        define: {P: 'w x'}", "        prose: true" if prose else "        math: 'P = x w'",
             *(f"      - math: {quoted(s)}" for s in steps),
             "    result: '\\frac{\\partial}{\\partial w}(w x) = x'"]
    text = "\n".join(lines) + "\n"
    sheet = load_sheet(SHEET.format(variables=variables), "exercises/sq.yaml")
    solution = load_solutions(text, "solutions/sq.yaml").solutions["p.a"]
    return {p.line: p.message for p in check_solution(sheet, solution, text.splitlines()).problems}


@pytest.mark.parametrize("variables", ["x, w, y", "w, x, y", "y, x, w"])
def test_a_helper_partial_is_the_partial_of_its_definition(variables: str) -> None:
    got = problems(variables, "\\frac{\\partial P}{\\partial w} = 2w", "\\frac{\\partial P}{\\partial w} = x",
                   "\\frac{\\partial P}{\\partial x} = w", "\\frac{\\partial P}{\\partial x} = 2x",
                   "\\frac{\\partial}{\\partial w} P = x", "\\frac{\\partial}{\\partial x} P = x")
    assert sorted(got) == [9, 12, 14], got
    assert all("does not hold" in m for m in got.values())


@pytest.mark.parametrize(("step", "what"), [("P(w) = w^2", "without an argument"), ("P' = w", "without a prime"),
                                            ("P'(x) = w", "without a prime")])
def test_with_several_variables_a_helper_takes_no_argument_or_prime(step: str, what: str) -> None:
    # P(w) and P' would say which variable P is a function of: the first one, an order-dependent meaning
    got = problems("x, w, y", step)
    assert list(got) == [9] and what in got[9] and "\\frac{\\partial P}{\\partial w}" in got[9], got


def test_with_one_variable_a_helper_is_a_function_of_it() -> None:
    sheet = load_sheet(SHEET.format(variables="x").replace("w*x", "x^2").replace("answer: x", "answer: 2*x")
                       .replace("derivative: w", "derivative: true"), "exercises/one.yaml")
    text = ("sheet: sq\nsolutions:\n  p.a:\n    title: T\n    steps:\n      - say: Let\n"
            "        define: {u: 'x^2'}\n        math: \"u(3) = 9, \\\\quad u'(x) = 2x, \\\\quad u' = 2x\"\n"
            "    result: '\\frac{d}{dx} x^2 = 2x'\n")
    solution = load_solutions(text, "solutions/one.yaml").solutions["p.a"]
    assert check_solution(sheet, solution, text.splitlines()).problems == []


def test_a_helper_defined_in_a_prose_step_is_in_scope() -> None:
    # `define:` on a step marked `prose: true` was ignored: the next step said "unknown name `\partial P`"
    assert problems("x, w, y", "\\frac{\\partial P}{\\partial w} = x", prose=True) == {}


def test_a_helper_is_never_renamed_into_another_variable() -> None:
    # the parser no longer writes P(w); should anything else, the claim cannot be checked, never judged
    from grader.parsing import sheet_function, symbol

    sheet = load_sheet(SHEET.format(variables="x, w, y"), "exercises/sq.yaml")
    x, w = symbol("x"), symbol("w")
    env = Env(sheet, x).with_helper("P", w * x)
    assert resolve(sheet_function("P")(x), env) == w * x
    with pytest.raises(Unchecked, match="depends on w besides x"):
        resolve(sheet_function("P")(w), env)


def test_a_partial_of_an_undefined_name_says_to_define_it() -> None:
    # it said "unknown name `\partial L`"
    got = problems("x, w, y", "\\frac{\\partial L}{\\partial w} = 2 x P")
    assert list(got) == [9] and "`L` is not a variable, function or helper here" in got[9], got
    assert "define: {L: '...'}" in got[9]


def test_a_false_link_before_a_true_one_is_judged_and_said_once() -> None:
    def check(step: str) -> tuple[dict[int, str], int]:
        text = ("sheet: sq\nsolutions:\n  p.a:\n    title: T\n    steps:\n      - say: Let\n"
                "        define: {P: 'w x'}\n"
                f"        math: {quoted(step)}\n    result: '\\frac{{\\partial}}{{\\partial w}}(w x) = x'\n")
        sheet = load_sheet(SHEET.format(variables="x, w, y"), "exercises/sq.yaml")
        pc = check_solution(sheet, load_solutions(text, "solutions/sq.yaml").solutions["p.a"], text.splitlines())
        return {p.line: p.message for p in pc.problems}, pc.counts.claims

    right, claims = check("\\frac{\\partial P}{\\partial w} = x = x")
    wrong, same_claims = check("\\frac{\\partial P}{\\partial w} = w = w")
    assert right == {} and claims == same_claims
    assert list(wrong) == [8] and wrong[8].startswith("`\\frac{\\partial P}{\\partial w} = w` does not hold"), wrong
