"""The bundled backprop sheet: verified with its solutions, mutated copies fail at the edited line,
and multi-variable answers grade in plain, unicode and LaTeX notation (with ∂ labels)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.grading.grade import grade
from grader.sheets.files import load
from grader.verify.run import verify_paths

ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "exercises" / "backprop.yaml"


@pytest.mark.system  # the whole sheet with its solutions, every variant
def test_backprop_verifies() -> None:
    assert verify_paths([str(SHEET), str(ROOT / "solutions" / "backprop.yaml")]) == []


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # a wrong partial: ∂/∂w of ReLU(wx+b) is x, not w
        ("(x, w*x + b > 0))", "(w, w*x + b > 0))", "not the derivative"),
        # a wrong chain step: the inner derivative of w x + b taken as w, not x, in the two-layer answer
        ("*v*sigma(w*x + b)*(1 - sigma(w*x + b))*x\n", "*v*sigma(w*x + b)*(1 - sigma(w*x + b))*w\n",
         "not the derivative"),
        # a mistake equal to the answer
        ("          - answer: softmax1(u, z)*softmax2(u, z)\n", "          - answer: -softmax2(u, z)*softmax1(u, z)\n",
         "equals the answer"),
    ],
)
def test_mutated_backprop_fails_at_the_line(tmp_path: Path, old: str, new: str, words: str) -> None:
    copy = tmp_path / "backprop.yaml"
    shutil.copy(SHEET, copy)
    text = copy.read_text(encoding="utf-8")
    assert text.count(old) == 1
    line = text[: text.index(old)].count("\n") + 1
    copy.write_text(text.replace(old, new), encoding="utf-8")
    problems = verify_paths([str(copy)])
    assert [(p.line, words in p.message) for p in problems] == [(line, True)]


@pytest.mark.parametrize(
    ("address", "answer", "verdict"),
    [
        ("neuron.a", "x*sigma(w*x+b)*(1-sigma(w*x+b))", "correct"),
        ("neuron.a", "x σ(wx+b)(1−σ(wx+b))", "correct"),
        ("neuron.a", "∂a/∂w = x σ(wx+b)(1-σ(wx+b))", "correct"),
        ("neuron.a", r"\frac{\partial a}{\partial w} = x\sigma(wx+b)\left(1-\sigma(wx+b)\right)", "correct"),
        ("neuron.a", "σ(wx+b)(1-σ(wx+b))", "incorrect"),
        ("neuron.c", r"\sigma(w x + b)(1 - \sigma(w x + b))", "correct"),
        ("softmax.b", "-e^u e^z/(e^u+e^z)^2", "correct"),
        ("softmax.b", "softmax1(u, z)*softmax2(u, z)", "incorrect"),
        ("relu.a", "x if wx + b > 0 else 0", "correct"),
        ("relu.a", "x*Heaviside(wx + b)", "correct"),
        ("relu.a", "Heaviside(wx + b)", "incorrect"),
    ],
)
def test_backprop_answers(address: str, answer: str, verdict: str) -> None:
    assert grade(load(str(SHEET)), address, answer).status == verdict


def test_missing_chain_factor_says_so() -> None:
    result = grade(load(str(SHEET)), "neuron.a", "sigma(wx+b)(1-sigma(wx+b))")
    assert "chain factor is missing" in result.feedback


def test_kink_policy_on_the_switching_surface() -> None:
    # 2x on the surface wx + b = 0 lies outside [0, x] where x > 0: the policy `between` refuses it
    result = grade(load(str(SHEET)), "relu.a", "Piecewise((0, wx+b<0), (x, wx+b>0), (2x, True))")
    assert result.status == "incorrect"
