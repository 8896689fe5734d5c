"""Variables per question: a counterexample names only the variables either side uses, an answer in a
variable the part is not about says so, and a question may list its own `variables:`."""

from __future__ import annotations

import pytest

from grader.core.errors import SheetErrors
from grader.grading.grade import grade
from grader.sheets.files import load_text

SHEET = r"""
id: own-variables
title: Own variables
variables: [x, w, b, y]
definitions:
  - name: softplus
    params: [t]
    body: log(1 + e^t)
  - name: sigma
    aliases: [σ]
    params: [t]
    body: 1/(1 + e^(-t))
questions:
  - id: sp
    statement: 'Let $f(x) = \log(1 + e^x)$.'
    function: softplus(x)
    parts:
      - {id: a, kind: expression, answer: sigma(x), derivative: x}
  - id: st
    statement: 'Let $g(t) = \log(1 + e^t)$.'
    variables: [t]
    function: softplus(t)
    parts:
      - {id: a, kind: expression, answer: sigma(t), derivative: true}
  - id: loss
    statement: 'Let $L = (w x + b - y)^2$.'
    function: (w*x + b - y)^2
    parts:
      - {id: a, kind: expression, answer: 2*x*(w*x + b - y), derivative: w}
      - {id: b, kind: expression, answer: 2*(w*x + b - y), derivative: b}
"""


@pytest.fixture(scope="module")
def own():  # type: ignore[no-untyped-def]
    return load_text(SHEET)


def test_a_counterexample_names_only_the_variables_either_side_uses(own) -> None:  # type: ignore[no-untyped-def]
    result = grade(own, "sp.a", "e^(2x)")
    assert result.status == "incorrect"
    assert result.counterexample is not None
    assert [name for name, _ in result.counterexample.at] == ["x"]
    assert "w =" not in result.feedback and "w =" not in result.detail
    assert result.feedback.startswith("Not correct. At x = ")


def test_a_counterexample_in_several_variables_names_them_all(own) -> None:  # type: ignore[no-untyped-def]
    result = grade(own, "loss.a", "2*(w*x + b - y)")
    assert result.counterexample is not None
    assert [name for name, _ in result.counterexample.at] == ["x", "w", "b", "y"]


def test_an_answer_in_a_variable_the_part_is_not_about_is_told_so(own) -> None:  # type: ignore[no-untyped-def]
    result = grade(own, "sp.a", "σ(w)")
    assert result.status == "incorrect"
    assert "Your answer uses w, which this part does not: it is about x." in result.feedback
    assert [name for name, _ in result.counterexample.at] == ["x", "w"]  # type: ignore[union-attr]
    # a right answer that happens to name another variable is still right, with no such sentence
    right = grade(own, "sp.a", "σ(x) + w - w")
    assert right.status == "correct"
    assert "which this part" not in right.feedback


def test_a_part_uses_what_its_function_reference_and_derivative_name(own) -> None:  # type: ignore[no-untyped-def]
    assert own.parts["sp.a"].uses == ("x",)
    assert own.parts["st.a"].uses == ("t",)
    assert own.parts["loss.b"].uses == ("x", "w", "b", "y")


def test_a_question_with_its_own_variables(own) -> None:  # type: ignore[no-untyped-def]
    assert grade(own, "st.a", "σ(t)").status == "correct"
    assert grade(own, "st.a", "e^t/(1+e^t)").status == "correct"
    wrong = grade(own, "st.a", "e^(2t)")
    assert wrong.status == "incorrect" and wrong.feedback.startswith("Not correct. At t = ")
    other = grade(own, "st.a", "σ(x)")  # x is the sheet's, not this question's: unreadable, no attempt used
    assert other.status == "invalid"
    assert "unknown name `x`" in other.feedback and "this part uses `t`" in other.feedback
    # the sheet's other questions keep the sheet's variables
    assert grade(own, "loss.b", "2(wx+b-y)").status == "correct"


def test_an_empty_question_variables_list_is_an_error_at_its_line() -> None:
    text = SHEET.replace("variables: [t]", "variables: []")
    with pytest.raises(SheetErrors) as err:
        load_text(text)
    assert err.value.errors[0].problem == "the question lists no variables"
    assert err.value.errors[0].line == 21


def test_a_question_variable_may_not_clash_with_a_function() -> None:
    text = SHEET.replace("variables: [t]", "variables: [sigma]")
    with pytest.raises(SheetErrors) as err:
        load_text(text)
    assert err.value.errors[0].problem == "`sigma` cannot be a variable: it is already the name of a function (line 9)"


def test_wrong_answers_in_a_questions_own_variables_are_grouped(own) -> None:  # type: ignore[no-untyped-def]
    from grader.grading.wrong_answers import fingerprint, same

    two, twice = fingerprint(own, "st.a", "2t"), fingerprint(own, "st.a", "t + t")
    assert two is not None and two == twice
    assert same(own, "st.a", "2t", "t + t", 5.0) is True


def test_a_left_side_with_another_variable_is_named(own) -> None:  # type: ignore[no-untyped-def]
    for label, v in (("∂L/∂b", "b"), ("dL/dx", "x"), (r"\frac{\partial L}{\partial y}", "y")):
        result = grade(own, "loss.a", f"{label} = 2x(wx+b-y)")
        assert result.status == "invalid" and result.decided_by == "label"
        assert f"is the derivative with respect to {v}, but this part asks for the one with respect to w" \
            in result.feedback
    assert grade(own, "loss.a", "∂L/∂w = 2x(wx+b-y)").status == "correct"


def test_a_questions_parameter_is_not_called_a_variable() -> None:
    """Cold trial: 'this part uses `x` and `beta`' called swish's β a variable."""
    from grader import sheets
    from grader.sheets.variants import scoped

    sheet = scoped(sheets.load("smooth-activations"), "swish.a")
    result = grade(sheet, "swish.a", "z")
    assert result.status == "invalid"
    assert "this part uses `x` (and the question's parameter `beta`)" in result.feedback


WIDER = r"""
id: wider
title: A question with more variables than the sheet
variables: [x]
questions:
  - id: loss
    statement: 'A linear model has the loss $L = (w x - y)^2$.'
    variables: [w, x, y]
    function: (w*x - y)^2
    parts:
      - {id: a, kind: expression, answer: ANSWER, derivative: w}
"""


@pytest.mark.parametrize(("answer", "problem"), [("2*x*(w*x - y)", None), ("2*x*(w*x + y)", "not the derivative")])
def test_verify_checks_a_part_in_its_questions_own_variables(tmp_path, answer: str,  # type: ignore[no-untyped-def]
                                                             problem: str | None) -> None:
    from grader.verify.run import verify_paths

    sheet = tmp_path / "wider.yaml"
    sheet.write_text(WIDER.replace("ANSWER", answer), encoding="utf-8")
    found = [p.message for p in verify_paths([str(sheet)])]  # was: ValueError, no value given for y
    assert (found == []) if problem is None else any(problem in m for m in found), found


def test_letter_products_follow_a_questions_own_one_letter_variables() -> None:
    wider = load_text(WIDER.replace("ANSWER", "2*x*(w*x - y)"))
    assert grade(wider, "loss.a", "2x(wx-y)").status == "correct"  # `wx` is w·x in a question in w, x, y
    off = WIDER.replace("variables: [x]\n", "variables: [x]\nletter_products: false\n", 1)
    fixed = load_text(off.replace("ANSWER", "2*x*(w*x - y)"))
    assert grade(fixed, "loss.a", "2x(wx-y)").status == "invalid"  # the author turned them off for the sheet
