"""The activation-function bank: the bundled sheets beyond the first, their answers and their functions.

`grader verify` on every bundled sheet and solution is tests/verify/test_verify.py::test_repository_passes;
here: what the bank covers, that `grader list` shows it, that typical answers get the right verdict,
and that erf, Φ, φ, softplus and log1p are known through the sheets' definitions alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import sheets
from grader.cli import app
from grader.grading import grade as grading
from grader.parsing import KNOWN_FUNCTIONS, parse
from grader.sheets import solutions
from grader.sheets.model import DerivationAnswer, Sheet
from grader.sheets.variants import pick, scoped
from grader.verify.run import items_for

BANK = ("smooth-activations", "piecewise-activations")
ROOT = Path(__file__).resolve().parents[2]

# The functions of the bank: question id -> what the issue calls it.
FUNCTIONS = {
    "softplus": "softplus", "logsigmoid": "log-sigmoid", "silu": "SiLU", "swish": "Swish", "mish": "Mish",
    "gelu": "GELU (exact)", "gelu_tanh": "GELU (tanh approximation)", "softsign": "softsign",
    "leaky_relu": "leaky ReLU", "elu": "ELU", "selu": "SELU", "hardtanh": "hardtanh", "relu6": "ReLU6",
    "hardsigmoid": "hard sigmoid",
}


@pytest.fixture(scope="module")
def bank() -> dict[str, Sheet]:
    return {sheet_id: sheets.load(sheet_id) for sheet_id in BANK}


def _grade(sheet: Sheet, address: str, answer: str, seed: int | None = None) -> grading.Result:
    picked = pick(sheet, seed)
    return grading.grade(scoped(picked, address), address, answer)


def test_the_bank_covers_the_functions_of_the_issue(bank: dict[str, Sheet]) -> None:
    questions = {q.id: q for sheet in bank.values() for q in sheet.questions}
    assert set(FUNCTIONS) <= set(questions)
    assert len(set(FUNCTIONS) - {"swish"}) >= 12  # Swish with β is SiLU's randomised sibling
    for qid in FUNCTIONS:
        q = questions[qid]
        assert q.function is not None, qid
        assert any(p.derivative and p.kind == "expression" for p in q.parts), f"{qid} has no find-the-derivative part"


def test_classic_identities_are_derivation_parts(bank: dict[str, Sheet]) -> None:
    smooth = bank["smooth-activations"]
    for address in ("softplus.b", "logsigmoid.b", "silu.b", "silu.c", "swish.b", "mish.b", "gelu.b",
                    "gelu_tanh.b", "softsign.b"):
        part = smooth.part(address)
        assert isinstance(part.expects, DerivationAnswer) and part.kind == "derivation", address
        assert part.derivative and part.expects.final_form is not None and part.expects.min_lines >= 2, address


def test_every_part_has_hints_or_is_a_follow_up(bank: dict[str, Sheet]) -> None:
    for sheet in bank.values():
        for question in sheet.questions:
            first = question.parts[0]
            assert first.hints and first.mistakes, first.address


def test_first_sheet_is_unchanged() -> None:
    sheet = sheets.load("activation-derivatives")
    assert list(sheet.parts) == ["sigmoid.a", "sigmoid.b", "tanh.a", "tanh.b", "relu.a", "relu.b.left",
                                 "relu.b.right", "relu.b.differentiable", "relu.b.at_zero"]
    assert not sheet.randomised


def test_grader_list_shows_every_bundled_sheet() -> None:
    result = CliRunner().invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    listed = {s["id"]: s for s in json.loads(result.stdout)["sheets"]}
    assert {"activation-derivatives", *BANK} <= set(listed)
    text = CliRunner().invoke(app, ["list", "--no-color"]).stdout
    for address in ("gelu_tanh.b", "leaky_relu.b.subgradient", "hardsigmoid.b"):
        assert address in text


def test_each_bank_sheet_has_worked_solutions_for_every_part(bank: dict[str, Sheet]) -> None:
    for sheet in bank.values():
        found = solutions.load_for(sheet)
        assert found is not None and found.sheet_id == sheet.id
        for address in sheet.parts:
            assert found.for_part(address) is not None, address


def test_verify_has_an_item_per_part_and_variant_without_running_them() -> None:
    names = [item.name for item in items_for(ROOT / "exercises" / "piecewise-activations.yaml")]
    assert "leaky_relu.a[alpha=0.01]" in names and "leaky_relu.c[alpha=0.2]" in names
    assert "selu.a" in names  # one value per parameter: named constants, one variant, no label
    names = [item.name for item in items_for(ROOT / "solutions" / "smooth-activations.yaml")]
    assert {"swish.a[beta=0.5]", "swish.a[beta=2]", "swish.a[beta=3]", "gelu_tanh.b"} <= set(names)


RIGHT = [
    ("softplus.a", "σ(x)"), ("softplus.a", "np.exp(x)/(1+np.exp(x))"), ("softplus.a", "1/(1 + e^-x)"),
    ("logsigmoid.a", "1 - σ(x)"), ("logsigmoid.a", "σ(-x)"), ("logsigmoid.a", "1/(1+e^x)"),
    ("silu.a", "σ(x)(1 + x(1-σ(x)))"), ("silu.a", "sigmoid(x) + x*sigmoid(x)*(1-sigmoid(x))"),
    ("mish.a", "tanh(softplus(x)) + x*sigma(x)*(1 - tanh(softplus(x))^2)"),
    ("mish.a", "tanh(log1p(exp(x))) + x*sigmoid(x)/cosh(np.log1p(np.exp(x)))^2"),
    ("gelu.a", "Φ(x) + xφ(x)"), ("gelu.a", "\\Phi(x) + x\\varphi(x)"),
    ("gelu.a", "(1 + erf(x/sqrt(2)))/2 + x*exp(-x^2/2)/sqrt(2*pi)"),
    ("gelu.a", "0.5*(1 + math.erf(x/np.sqrt(2))) + x*np.exp(-x**2/2)/np.sqrt(2*np.pi)"),
    ("gelu.c", "0.5"), ("gelu.c", "Φ(0)"),
    ("gelu_tanh.a", "(1 + tanh(sqrt(2/pi)*(x + 0.044715x^3)))/2"
                    " + x/2*(1 - tanh(sqrt(2/pi)*(x + 0.044715x^3))^2)*sqrt(2/pi)*(1 + 3*0.044715x^2)"),
    ("gelu_tanh.a", "0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))"
                    " + 0.5*x/cosh(sqrt(2/pi)*(x + 0.044715*x**3))**2*sqrt(2/pi)*(1 + 0.134145*x**2)"),
    ("softsign.a", "1/(1+|x|)^2"), ("softsign.a", "(1 - abs(softsign(x)))^2"),
    ("selu.a", "Piecewise((λ, x > 0), (λ α e^x, x < 0))"), ("selu.c", "λα"),
    ("hardtanh.a", "1 if abs(x) < 1 else 0"), ("relu6.a", "Heaviside(x) - Heaviside(x - 6)"),
    ("hardsigmoid.a", "Piecewise((1/6, abs(x) < 3), (0, True))"),
    ("softplus.b", "e^x/(1+e^x)\n= 1/(e^-x + 1)\n= σ(x)"),
    ("logsigmoid.b", "e^-x/(1+e^-x)\n= 1 - σ(x)\n= σ(-x)"),
    ("silu.c", "σ(x) + x e^-x/(1+e^-x)^2\n= σ(x) + x σ(x)(1 - σ(x))\n= SiLU(x) + σ(x)(1 - SiLU(x))"),
    ("gelu.b", "(1+erf(x/sqrt(2)))/2 + x e^(-x^2/2)/sqrt(2pi)\n= Φ(x) + x e^(-x^2/2)/sqrt(2pi)\n= Φ(x) + xφ(x)"),
    ("softsign.b", "1/(1+|x|)^2\n= (1 - |x|/(1+|x|))^2\n= (1 - sign(x) softsign(x))^2"),
]


@pytest.mark.parametrize(("address", "answer"), RIGHT, ids=[f"{a}:{t[:30]}" for a, t in RIGHT])
def test_right_answers_are_correct(bank: dict[str, Sheet], address: str, answer: str) -> None:
    sheet = next(s for s in bank.values() if address in s.parts)
    result = _grade(sheet, address, answer)
    assert result.status == "correct", (result.feedback, result.decided_by, result.detail)


WRONG = [
    ("softplus.a", "1/(1 + e^x)", "inside"), ("logsigmoid.a", "sigma(x)", "softplus"),
    ("silu.a", "sigma(x)", "two terms"), ("mish.a", "tanh(softplus(x)) + x*sech(softplus(x))^2", "chain rule"),
    ("gelu.a", "Φ(x) + φ(x)", "factor $x$"), ("gelu.a", "Phi(x) + sqrt(2)*x*phi(x)", "inner derivative"),
    ("softsign.a", "1/(1+x)^2", "$x > 0$ only"), ("selu.a", "Piecewise((1, x>0), (α e^x, x<0))", "scale"),
    ("relu6.a", "Heaviside(x)", "flat again"), ("hardsigmoid.a", "Piecewise((1/4, abs(x) < 3), (0, True))", "1}{6}"),
    ("gelu_tanh.a", "(1 + tanh(sqrt(2/pi)*(x + 0.044715x^3)))/2"
                    " + x/2*sech(sqrt(2/pi)*(x + 0.044715x^3))^2*sqrt(2/pi)*(1 + 0.044715x^2)", "0.134145"),
]


@pytest.mark.parametrize(("address", "answer", "words"), WRONG, ids=[f"{a}:{t[:30]}" for a, t, _ in WRONG])
def test_known_mistakes_get_their_message(bank: dict[str, Sheet], address: str, answer: str, words: str) -> None:
    sheet = next(s for s in bank.values() if address in s.parts)
    result = _grade(sheet, address, answer)
    assert result.status == "incorrect" and result.decided_by == "mistake", result.feedback
    assert words in result.feedback


def test_forms_ask_for_the_output_form(bank: dict[str, Sheet]) -> None:
    sheet = bank["piecewise-activations"]
    ok = _grade(sheet, "selu.b", "Piecewise((λ, x>0), (SELU(x) + λα, x<0))")
    assert ok.status == "correct"
    spelled_out = _grade(sheet, "selu.b", "Piecewise((λ, x>0), (λ α e^x, x<0))")
    assert spelled_out.status == "incorrect" and spelled_out.decided_by == "form"
    chain = "e^-x/(1+e^-x)\n= 1 - 1/(1+e^-x)\n= e^-x/(1+e^-x)"
    not_done = _grade(bank["smooth-activations"], "logsigmoid.b", chain)
    assert not_done.status == "incorrect" and not_done.decided_by == "form"


def test_new_names_come_from_the_sheets_definitions(bank: dict[str, Sheet]) -> None:
    """softplus, Φ, φ, log1p are sheet definitions, not parser built-ins; erf is a primitive."""
    assert "erf" in KNOWN_FUNCTIONS
    for name in ("softplus", "Phi", "phi", "log1p", "GELU", "mish", "ReLU6", "hardtanh"):
        assert name not in KNOWN_FUNCTIONS
    smooth = bank["smooth-activations"]
    expr = smooth.expand(parse("Φ(x) + xφ(x) + np.log1p(softplus(x))", smooth.parse_context()).expr)
    assert "Phi" not in str(expr) and "log1p" not in str(expr) and "erf" in str(expr)
    first = sheets.load("activation-derivatives")
    result = grading.grade(first, "sigmoid.a", "Φ(x)")
    assert result.status == "invalid"  # another sheet's names are unknown here
