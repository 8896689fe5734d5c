""""Show that" parts: derivations graded line by line."""

from __future__ import annotations

import pytest

from grader.grading.grade import grade
from grader.sheets.files import load_text
from grader.sheets.model import Sheet

SEED_SIGMOID = """\
e^(-x)/(1 + e^(-x))^2
= 1/(1 + e^(-x)) * e^(-x)/(1 + e^(-x))
= σ(x) * (1 - 1/(1 + e^(-x)))
= σ(x)(1 − σ(x))
"""

SEED_TANH = r"""
\frac{4}{(e^x + e^{-x})^2}
= \frac{(e^x + e^{-x})^2 - (e^{2x} - 2 + e^{-2x})}{(e^x + e^{-x})^2}
= 1 - \frac{(e^x - e^{-x})^2}{(e^x + e^{-x})^2}
= 1 - \tanh^2(x)
"""

VALID = [
    ("sigmoid.b", SEED_SIGMOID),
    ("sigmoid.b", "σ'(x) = e^-x/(1+e^-x)^2 = (1/(1+e^-x))(e^-x/(1+e^-x)) = σ(x)(1-σ(x))"),
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n\n= sigma(x) * e^-x/(1+e^-x)\n= sigma(x) - sigma(x)^2\n"),
    ("sigmoid.b", r"\frac{e^{-x}}{(1+e^{-x})^2} = \frac{1}{1+e^{-x}}\cdot\frac{e^{-x}}{1+e^{-x}}"
     r" = \sigma(x)(1-\sigma(x))"),
    ("tanh.b", SEED_TANH),
    ("tanh.b", "4/(e^x+e^-x)^2\n= sech(x)^2\n= 1 - tanh(x)^2"),
    ("tanh.b", "tanh'(x) = 4/(e^x+e^-x)^2 = ((e^x+e^-x)^2 - (e^x-e^-x)^2)/(e^x+e^-x)^2 = 1 - tanh²(x)"),
]


@pytest.mark.parametrize(("part", "answer"), VALID)
def test_valid_chains(sheet: Sheet, part: str, answer: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == "correct", result.feedback
    assert all(step.ok for step in result.steps)
    assert len(result.steps) >= 3


def test_wrong_middle_step_is_named_with_numbers(sheet: Sheet) -> None:
    answer = "e^-x/(1+e^-x)^2\n= 1/(1+e^-x)^2\n= σ(x)(1-σ(x))"
    result = grade(sheet, "sigmoid.b", answer)
    assert result.status == "incorrect"
    assert "Line 2 does not follow from line 1" in result.feedback
    assert "at x = " in result.feedback
    assert [s.ok for s in result.steps] == [True, False]


def test_wrong_start_is_said_first(sheet: Sheet) -> None:
    answer = "1/(1+e^-x)^2\n= σ(x)^2\n= σ(x)(1-σ(x))"
    result = grade(sheet, "sigmoid.b", answer)
    assert result.status == "incorrect"
    assert result.feedback.startswith("Your first line is not the derivative")


def test_wrong_final_form_names_what_is_not_allowed(sheet: Sheet) -> None:
    answer = "4/(e^x+e^-x)^2\n= ((e^x+e^-x)^2-(e^x-e^-x)^2)/(e^x+e^-x)^2\n= 1 - (e^x-e^-x)^2/(e^x+e^-x)^2"
    result = grade(sheet, "tanh.b", answer)
    assert result.status == "incorrect"
    assert "not in the required form" in result.feedback
    assert "`exp`" in result.feedback


def test_result_only_is_not_a_derivation(sheet: Sheet) -> None:
    result = grade(sheet, "sigmoid.b", "σ(x)(1-σ(x))")
    assert result.status == "incorrect"
    assert "Not a derivation" in result.feedback


def test_parse_error_in_a_line_is_invalid(sheet: Sheet) -> None:
    result = grade(sheet, "tanh.b", "4/(e^x+e^-x)^2\n= sech(x^2\n= 1 - tanh(x)^2")
    assert result.status == "invalid"
    assert result.parse_error is not None


def test_a_step_that_lands_on_a_known_mistake_says_so(sheet: Sheet) -> None:
    answer = "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) * e^-x/(1+e^-x)\n= σ(x)(1+σ(x))"
    result = grade(sheet, "sigmoid.b", answer)
    assert result.status == "incorrect"
    assert "Line 3 does not follow from line 2" in result.feedback
    assert "The factor is $1 - \\sigma(x)$" in result.feedback
    assert result.mistake is not None


def test_several_steps_on_one_line_are_named_by_their_text(sheet: Sheet) -> None:
    result = grade(sheet, "tanh.b", "4/(e^x+e^-x)^2 = 2/(e^x+e^-x)^2 = 1 - tanh(x)^2")
    assert result.status == "incorrect"
    assert "`2/(e^x+e^-x)^2` (line 1) does not follow from `4/(e^x+e^-x)^2` (line 1)" in result.feedback


@pytest.mark.parametrize(
    ("part", "answer", "words"),
    [
        ("sigmoid.b", "σ(x)(1-σ(x)) = σ(x)(1-σ(x)) = σ(x)(1-σ(x))", "already the result"),
        ("tanh.b", "1 - tanh(x)^2\n= 1 - tanh(x)^2\n= 1 - tanh(x)^2", "already the result"),
        ("sigmoid.b", "e^-x/(1+e^-x)^2 = e^-x/(1+e^-x)^2 = σ(x)(1-σ(x))", "Not a derivation yet"),
        ("tanh.b", "4/(e^x+e^-x)^2\n= 4/(e^x+e^-x)^2\n= 4/(e^x+e^-x)^2\n= 1 - tanh(x)^2", "Not a derivation yet"),
    ],
)
def test_padding_does_not_make_a_derivation(sheet: Sheet, part: str, answer: str, words: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == "incorrect"
    assert words in result.feedback


# --- whole derivations: right, too short, a wrong last step, a wrong start, a wrong final form ------------

DERIVATIONS: list[tuple[str, str, str]] = [
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) \u00b7 e^-x/(1+e^-x)\n= \u03c3(x)(1-\u03c3(x))", "correct"),
    ("sigmoid.b",
     "\u03c3'(x) = e^-x/(1+e^-x)^2\n= 1/(1+e^-x) \u00b7 e^-x/(1+e^-x)\n= \u03c3(x)(1-\u03c3(x))", "correct"),
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n= \u03c3(x)(1-\u03c3(x))", "incorrect"),  # too short
    ("sigmoid.b",
     "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) \u00b7 e^-x/(1+e^-x)\n= \u03c3(x)(1+\u03c3(x))", "incorrect"),
    ("sigmoid.b", "x = e^-x/(1+e^-x)^2\n= 1/(1+e^-x) \u00b7 e^-x/(1+e^-x)\n= \u03c3(x)(1-\u03c3(x))", "incorrect"),
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) \u00b7 e^-x/(1+e^-x)\n= \u03c3(x)(1 - 1/(1+e^-x))", "incorrect"),
    ("tanh.b", "4/(e^x+e^-x)^2\n= 1 - ((e^x-e^-x)/(e^x+e^-x))^2\n= 1 - tanh^2(x)", "correct"),
    ("tanh.b", "4/(e^x+e^-x)^2\n= 1 - ((e^x-e^-x)/(e^x+e^-x))^2\n= sech(x)^2", "incorrect"),  # final form
]


@pytest.mark.parametrize(("part", "answer", "status"), DERIVATIONS)
def test_derivation(sheet: Sheet, part: str, answer: str, status: str) -> None:
    assert grade(sheet, part, answer).status == status


# --- what students write at the ends of a chain (issue 21) -----------------------------------------

BACKWARD = "σ(x)(1-σ(x))\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= e^-x/(1+e^-x)^2\n"


@pytest.mark.parametrize("end", ["= σ'(x)", "= dσ/dx", r"= \frac{d\sigma}{dx}", "= d/dx σ(x)"])
def test_a_backward_derivation_may_end_by_naming_the_derivative(sheet: Sheet, end: str) -> None:
    result = grade(sheet, "sigmoid.b", BACKWARD + end)
    assert result.status == "correct", result.feedback
    one_line = grade(sheet, "sigmoid.b", BACKWARD.replace("\n", " ").strip() + " " + end)
    assert one_line.status == "correct", one_line.feedback


def test_a_derivation_ending_in_another_functions_derivative_is_refused(sheet: Sheet) -> None:
    result = grade(sheet, "sigmoid.b", BACKWARD + "= tanh'(x)")
    assert result.status == "invalid"
    assert "`tanh'(x)` names the derivative of tanh" in result.feedback


PARTIAL = r"""
id: partial-chain
title: A partial derivative shown
variables: [x, w, y]
definitions:
  - {name: sigma, aliases: [σ], params: [t], body: 1/(1 + e^(-t))}
questions:
  - id: n
    statement: 'Let $y = \sigma(w x)$.'
    function: sigma(w*x)
    parts:
      - id: a
        ask: Show that $\frac{\partial y}{\partial w} = x\,y(1-y)$.
        kind: derivation
        start: x*e^(-w*x)/(1+e^(-w*x))^2
        target: x*sigma(w*x)*(1-sigma(w*x))
        derivative: w
"""


@pytest.mark.parametrize("label", ["∂y/∂w", r"\frac{\partial y}{\partial w}", "∂σ/∂w", "dy/dw"])
def test_a_derivation_in_several_variables_may_start_with_its_partial(label: str) -> None:
    partial = load_text(PARTIAL)
    result = grade(partial, "n.a", f"{label} = x e^(-wx)/(1+e^(-wx))^2\n= xσ(wx)(1-σ(wx))")
    assert result.status == "correct", result.feedback


# --- a "show that" part without `final_form`: the target as written is the form (issue 21, cold trial) -------

NO_FORM = r"""
id: no-form
title: A derivation without final_form
definitions:
  - {name: sigma, aliases: [σ], params: [t], body: 1/(1 + e^(-t))}
  - {name: softplus, params: [t], body: log(1 + e^t)}
questions:
  - id: softplus
    statement: 'f'
    function: softplus(x)
    parts:
      - {id: b, kind: derivation, start: 'e^x/(1+e^x)', target: 'sigma(x)', min_lines: 2, derivative: true}
"""


@pytest.mark.parametrize(("chain", "status"), [
    ("1/(1+e^-x)\n= e^x/(e^x+1)", "incorrect"),  # never writes σ(x): it showed nothing (was a false accept)
    ("e^x/(1+e^x)\n= e^x/(e^x+1)\n= 1/(1+e^-x)", "incorrect"),  # likewise
    ("σ(x)\n= 1/(1+e^-x)\n= e^x/(e^x+1)", "correct"),  # backwards from the result (was a false reject)
    ("σ(x) = e^x/(1+e^x) = softplus'(x)", "correct"),
    ("e^x/(1+e^x)\n= 1/(1+e^-x)\n= σ(x)", "correct"),  # forwards
])
def test_without_final_form_the_target_as_written_must_end_the_chain(chain: str, status: str) -> None:
    result = grade(load_text(NO_FORM), "softplus.b", chain)
    assert result.status == status, result.feedback
    if status == "incorrect":
        assert "neither end of your chain is the result to show, `sigma(x)`" in result.feedback


@pytest.mark.parametrize("text", ["", "   \n  \n"])
def test_an_empty_derivation_is_invalid_like_an_empty_expression(sheet: Sheet, text: str) -> None:
    result = grade(sheet, "sigmoid.b", text)
    assert result.status == "invalid" and result.decided_by == "parse"  # no attempt used, not "too short"
    assert result.parse_error is not None and result.parse_error.kind == "empty"


ONES = "*".join(f"(sin({7 * k}x)^2+cos({7 * k}x)^2)" for k in range(1, 14))  # 1, which no proof here reaches


def test_a_first_line_that_can_be_neither_proven_nor_refuted_is_no_verdict_and_costs_no_attempt(sheet: Sheet) -> None:
    """Equal to the derivative (times 1), but undecided: it was graded `incorrect`, "not the derivative
    this part is about" (a false reject costing an attempt), where the same expression as an answer to
    sigmoid.a is `invalid`."""
    answer = f"e^-x/(1+e^-x)^2*{ONES}\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= σ(x)(1-σ(x))"
    result = grade(sheet, "sigmoid.b", answer, seconds=30)  # each undecided comparison takes ~2 s: not the budget
    assert result.status == "invalid" and result.score == 0, result.feedback
    assert "Could not decide" in result.feedback and "line 1" in result.feedback
    assert grade(sheet, "sigmoid.a", f"e^-x/(1+e^-x)^2*{ONES}").status == "invalid"


def test_an_undecided_step_is_no_verdict_and_names_the_lines(sheet: Sheet) -> None:
    answer = f"e^-x/(1+e^-x)^2\n= e^-x/(1+e^-x)^2*{ONES}\n= σ(x)(1-σ(x))"
    result = grade(sheet, "sigmoid.b", answer, seconds=30)
    assert result.status == "invalid", result.feedback
    assert "whether line 2 follows from line 1" in result.feedback


def test_a_wrong_step_after_an_undecided_one_is_still_said(sheet: Sheet) -> None:
    """An undecided line made the whole chain `invalid`, hiding a wrong last line (found by the cold trial)."""
    answer = f"e^-x/(1+e^-x)^2\n= e^-x/(1+e^-x)^2*{ONES}\n= σ(x)(1+σ(x))"
    result = grade(sheet, "sigmoid.b", answer, seconds=30)
    assert result.status == "incorrect", result.feedback
    assert "Line 3 does not follow from line 2" in result.feedback
