"""Diagnosis: a wrong derivative named by the rule that broke, only when it is proven (issue 28)."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.equivalence import compare
from grader.grading import diagnosis
from grader.grading.grade import grade
from grader.parsing import symbol
from grader.sheets.files import load_text
from grader.sheets.model import Sheet
from grader.text import pretty

SIGMA = "  - {name: sigma, aliases: [σ], params: [t], body: 1/(1 + e^(-t))}\n"


def one(function: str, answer: str, wrt: str = "true", variables: str = "[x]", mistakes: str = "") -> Sheet:
    return load_text(f"""
id: t
title: t
variables: {variables}
definitions:
{SIGMA}
questions:
  - id: q
    statement: 'f'
    function: '{function}'
    parts:
      - id: a
        kind: expression
        answer: '{answer}'
        derivative: {wrt}
{mistakes}
""")


def said(sheet: Sheet, text: str) -> str:
    result = grade(sheet, "q.a", text)
    assert result.status == "incorrect", result.feedback
    assert result.decided_by == "diagnosis", result.feedback
    assert result.mistake is not None and result.feedback == f"Not correct. {result.mistake}"
    return result.mistake


# --- one broken rule each, on a small function ------------------------------------------------------

def test_chain_rule_without_the_inner_derivative() -> None:
    words = said(one("log(1 + x^2)", "2x/(1 + x^2)"), "1/(1 + x^2)")
    assert words.startswith("The chain rule:") and "$x^{2} + 1$" in words and "$2 x$" in words


def test_chain_rule_inside_differentiated_by_another_variable() -> None:
    sheet = one("sigma(w*x + b)", "x*sigma(w*x + b)*(1 - sigma(w*x + b))", wrt="w", variables="[w, x, b]")
    words = said(sheet, "w σ(wx+b)(1-σ(wx+b))")
    assert "with respect to $w$, which gives $x$; your answer differentiates it with respect to $x$" in words


def test_log_rule_without_dividing_by_its_inside() -> None:
    words = said(one("log(1 + e^x)", "e^x/(1 + e^x)"), "e^x")
    assert "$u'/u$" in words and "without dividing" in words


def test_product_rule_with_one_term_or_as_the_product_of_derivatives() -> None:
    sheet = one("x*tanh(x)", "tanh(x) + x*(1 - tanh(x)^2)")
    assert "keeps only the second" in said(sheet, "x sech^2 x")
    assert "keeps only the first" in said(sheet, "tanh x")
    assert "not the product of the derivatives" in said(sheet, "sech^2 x")


def test_product_rule_with_a_term_that_lost_its_factor() -> None:
    words = said(one("x*sigma(x)", "sigma(x) + x*sigma(x)*(1 - sigma(x))"), "σ(x) + σ(x)(1-σ(x))")
    assert "lost its factor $x$" in words


def test_quotient_rule_unsquared_and_as_a_ratio() -> None:
    sheet = one("x/(1 + x^2)", "(1 - x^2)/(1 + x^2)^2")
    assert "square of the denominator" in said(sheet, "(1 - x^2)/(1 + x^2)")
    assert "ratio of the derivatives" in said(sheet, "1/(2x)")


def test_two_slips_that_give_the_same_answer_are_both_said() -> None:
    # the reversed quotient rule and the sign of the whole answer both give this: one honest sentence
    words = said(one("x/(1 + x^2)", "(1 - x^2)/(1 + x^2)^2"), "(x^2 - 1)/(1 + x^2)^2")
    assert words.startswith("Several slips give exactly your answer.")
    assert "other way round" in words and "sign of the whole answer" in words


def test_power_rule_exponent_kept_or_not_brought_down() -> None:
    sheet = one("(1 + x^2)^3", "6x(1 + x^2)^2")
    assert "keeps $3$" in said(sheet, "6x(1 + x^2)^3")
    assert "comes down as a factor" in said(sheet, "2x(1 + x^2)^2")


def test_exp_rule_without_the_inner_derivative() -> None:
    words = said(one("e^(x^2)", "2x e^(x^2)"), "e^(x^2)")  # which is also the function itself: both are said
    assert "The chain rule: $e^{x^{2}}$" in words and "$2 x$" in words and "the function itself" in words


def test_constant_factor_dropped_and_one_terms_sign() -> None:
    assert "keeps the factor $5$" in said(one("5 sin(x)", "5 cos(x)"), "cos x")
    assert "wrong sign" in said(one("x^2 - sin(x)", "2x - cos(x)"), "2x + cos x")


def test_a_constant_factor_sympy_spread_over_a_sum_is_one_factor() -> None:
    sheet = one("((x - 3)^2 + (2x - 1)^2)/2", "(x - 3) + 2(2x - 1)")
    assert "keeps the factor $\\frac{1}{2}$" in said(sheet, "2(x - 3) + 4(2x - 1)")


def test_the_function_itself_and_another_variables_partial() -> None:
    assert "the function itself" in said(one("log(1 + x^2)", "2x/(1 + x^2)"), "log(1 + x^2)")
    sheet = one("w*x^2", "x^2", wrt="w", variables="[w, x]")
    assert "with respect to $x$; the part asks for the one with respect to $w$" in said(sheet, "2wx")


def test_piecewise_pieces_kept_flat_or_swapped() -> None:
    sheet = one("Piecewise((x/10, x < 0), (x^2, x >= 0))", "Piecewise((1/10, x < 0), (2x, x > 0))")
    assert "does not take" in said(sheet, "{ x/10 if x < 0; 2x if x > 0 }")
    assert "not constant" in said(sheet, "{ 0 if x < 0; 2x if x > 0 }")


def test_a_sign_slip_in_the_last_line() -> None:
    words = said(one("x^2 - sin(x)", "2x - cos(x)"), "2x + cos(x)")
    assert "sign" in words


# --- what is never claimed ---------------------------------------------------------------------------

def test_a_broken_rule_that_gives_the_right_answer_is_no_candidate() -> None:
    sheet = one("sin(x + 1)", "cos(x + 1)")  # the inner derivative is 1: dropping it changes nothing
    lib = diagnosis.library(sheet, sheet.part("q.a"))
    assert lib is not None and lib.candidates
    assert all(c.rule != "chain" for c in lib.candidates)


def test_a_wrong_answer_no_rule_explains_keeps_its_counterexample() -> None:
    result = grade(one("log(1 + x^2)", "2x/(1 + x^2)"), "q.a", "3x/(1 + x^2)")
    assert result.decided_by != "diagnosis" and result.mistake is None
    assert result.feedback.startswith("Not correct. At x = ")


def test_an_authors_mistake_comes_first() -> None:
    mistakes = "        mistakes:\n          - {answer: '1/(1 + x^2)', message: 'Where is 2x?'}\n"
    result = grade(one("log(1 + x^2)", "2x/(1 + x^2)", mistakes=mistakes), "q.a", "1/(1 + x^2)")
    assert result.decided_by == "mistake" and result.feedback == "Not correct. Where is 2x?"


def test_parts_without_a_function_or_not_derivatives_get_no_diagnosis() -> None:
    sheet = load_text("""
id: t
title: t
questions:
  - id: q
    statement: 'f'
    parts:
      - {id: a, kind: expression, answer: '2x/(1 + x^2)'}
""")
    assert diagnosis.library(sheet, sheet.part("q.a")) is None
    assert grade(sheet, "q.a", "1/(1 + x^2)").decided_by != "diagnosis"


def test_a_wrong_derivation_step_with_a_flipped_sign() -> None:
    sheet = load_text(f"""
id: t
title: t
definitions:
{SIGMA}
questions:
  - id: q
    statement: 'f'
    function: sigma(x)
    parts:
      - {{id: a, kind: derivation, start: 'e^(-x)/(1 + e^(-x))^2', target: 'sigma(x)*(1 - sigma(x))',
          derivative: true}}
""")
    result = grade(sheet, "q.a", "e^-x/(1+e^-x)^2\n= σ(x) - σ(x)^2\n= σ(x) + σ(x)^2")
    assert result.status == "incorrect"
    assert result.mistake is not None and "this step flips the sign" in result.mistake
    first = grade(sheet, "q.a", "-e^-x/(1+e^-x)^2\n= -σ(x)(1 - σ(x))")  # the first line: a broken rule
    assert first.mistake is not None and first.decided_by == "diagnosis"


# --- the property: a diagnosis is only ever attached to an answer proven equal to its candidate ----

_ATOMS = ["x", "x^2", "e^x", "e^(-x)", "sin(x)", "log(1 + x^2)", "(1 + x^2)", "sigma(x)", "tanh(x)", "3"]
_OPS = ["({a})*({b})", "({a})/({b})", "({a}) + ({b})", "({a}) - ({b})", "log(1 + ({a})^2)", "e^({a})",
        "({a})^3", "sin({a})", "sigma({a})"]


@st.composite
def functions(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_ATOMS))
    for _ in range(draw(st.integers(1, 2))):
        text = draw(st.sampled_from(_OPS)).format(a=text, b=draw(st.sampled_from(_ATOMS)))
    return text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(functions(), st.sampled_from(["+ x^3/7", "* 2", "+ 1/3"]))
def test_a_diagnosis_is_only_attached_to_an_answer_proven_equal_to_its_candidate(function: str, noise: str) -> None:
    x = symbol("x")
    sheet = one(function, "0")  # the answer key is not what is tested here: candidates come from the function
    f = sheet.expand(sheet.questions[0].function.expr)  # type: ignore[union-attr]
    right = pretty.text(sympy.diff(f, x))
    sheet = one(function, right)
    part = sheet.part("q.a")
    lib = diagnosis.library(sheet, part, seconds=20)
    assert lib is not None
    for c, e in list(zip(lib.candidates, lib.expanded, strict=True))[:8]:
        _check(sheet, pretty.text(e), [c.words for c in lib.candidates], lib, x)
    _check(sheet, f"({right}) {noise}", [], lib, x)  # a random wrong answer: a claim only if proven


def _check(sheet: Sheet, text: str, words: list[str], lib: diagnosis.Library, x: sympy.Symbol) -> None:
    result = grade(sheet, "q.a", text, seconds=30)
    if result.decided_by != "diagnosis":
        return
    given_expr = sheet.expand(load_answer(sheet, text))
    claimed = [w for w in (result.mistake or "").removeprefix("Several slips give exactly your answer. ")
               .split(" Or: ")]
    for sentence in claimed:
        proven = [e for c, e in zip(lib.candidates, lib.expanded, strict=True) if c.words == sentence]
        assert proven, sentence
        assert any(compare(e, given_expr, [x], mode="both").verdict == "equivalent" for e in proven), sentence


def load_answer(sheet: Sheet, text: str) -> sympy.Basic:
    from grader.parsing import parse

    return parse(text, sheet.parse_context()).expr


def test_the_readme_example(tmp_path: object, monkeypatch: object) -> None:
    """README, "Which rule went wrong": the command and the sentence it shows, on the sheet it names."""
    import re
    import shlex
    from pathlib import Path

    from typer.testing import CliRunner

    from grader.cli import app

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Which rule went wrong", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    command = block.splitlines()[0].removeprefix("$ ").split("#")[0]
    (Path(str(tmp_path)) / "my-sheet.yaml").write_text(
        "id: mine\ntitle: Mine\nquestions:\n  - id: log\n    statement: 'f'\n    function: log(1 + x^2)\n"
        "    parts:\n      - {id: a, kind: expression, answer: 2x/(1 + x^2), derivative: true}\n", encoding="utf-8")
    monkeypatch.chdir(str(tmp_path))  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, [*shlex.split(command)[1:], "--no-color"])
    assert result.exit_code == 1
    shown = " ".join(result.output.split())
    for line in ("✗ incorrect log.a 0/1 point", block.split("Not correct.", 1)[1].split("\n\n")[0],
                 "Decided by: diagnosis: at x = 0 the reference is 0 but the answer is 1"):
        assert " ".join(re.sub(r"\s+", " ", line).split()) in shown, line


def test_a_piece_is_named_by_where_it_holds_never_by_sympy_text() -> None:
    hardtanh = one("Piecewise((-1, x < -1), (x, x <= 1), (1, True))", "Piecewise((0, x < -1), (1, x < 1), (0, x > 1))")
    words = said(hardtanh, "Heaviside(x+1)")  # took the last piece (1) as if it were x
    assert "for $x > 1$ the function is $1$" in words and "True" not in words
    leaky = one("Piecewise((x/10, x < 0), (x, True))", "Piecewise((1/10, x < 0), (1, x > 0))")
    words = said(leaky, "0.1 if x > 0 else 1")
    assert "for $x < 0$ the derivative is that of $\\frac{x}{10}$, and for $x \\ge 0$ that of $x$" in words
    assert "otherwise" not in words and "cases" not in words
