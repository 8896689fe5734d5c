"""Any kink: every kink policy on the bank's piecewise functions, with kinks found from the functions.

No sheet lists a kink: the engine finds them in the reference itself (grader.equivalence.find_kinks),
and a part's `at_kinks` says what an answer may be there: `between` (default: any value between the
one-sided derivatives, or undefined), `left`, `right`, `{value: c}`, `undefined` or `any`.
"""

from __future__ import annotations

import pytest
import sympy
import yaml

from grader import sheets
from grader.equivalence import KinkPolicy, compare, find_kinks
from grader.grading import grade as grading
from grader.parsing import parse, symbol
from grader.sheets.model import ExpressionAnswer, Sheet
from grader.sheets.variants import at_index, pick, scoped

x = symbol("x")


@pytest.fixture(scope="module")
def kinks() -> Sheet:
    return sheets.load("piecewise-activations")


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def status(sheet: Sheet, address: str, answer: str) -> str:
    return grading.grade(scoped(sheet, address), address, answer).status


def test_sheets_list_no_kinks_the_engine_finds_them(kinks: Sheet) -> None:
    data = yaml.safe_load((sheets.bundled_dir() / "piecewise-activations.yaml").read_text(encoding="utf-8"))
    assert {k for k in _keys(data) if "kink" in k} == {"at_kinks"}  # a policy per part, never a point
    expected = {"hardtanh": [-1, 1], "relu6": [0, 6], "hardsigmoid": [-3, 3], "leaky_relu": [0], "elu": [0],
                "selu": [0]}
    for question in kinks.questions:
        assert question.function is not None
        found = find_kinks(kinks.expand(question.function.expr), x)
        assert list(found) == expected[question.id], question.id


def test_elu_has_a_jump_in_its_derivative_only_when_alpha_is_not_1() -> None:
    """A kink of the derivative comes from the function: ELU with alpha = 1 has none to apply a policy to."""
    def derivative(alpha: str) -> sympy.Basic:
        return sympy.diff(parse(f"Piecewise(({alpha}*(e^x - 1), x <= 0), (x, x > 0))").expr, x)

    wrong_at_zero = parse("Piecewise((e^x, x < 0), (5, x == 0), (1, x > 0))").expr
    assert compare(derivative("1"), wrong_at_zero, [x]).verdict == "different"  # no jump: 5 is simply wrong
    jump = parse("Piecewise((2*e^x, x < 0), (3/2, x == 0), (1, x > 0))").expr
    assert compare(derivative("2"), jump, [x]).verdict == "equivalent"  # a jump: 3/2 is in [1, 2]


# --- between (the default): any value between the one-sided derivatives, or none ----------------------

@pytest.mark.parametrize("index", [0, 1, 2])
def test_leaky_relu_between_alpha_and_1(kinks: Sheet, index: int) -> None:
    sheet = at_index(kinks, "leaky_relu", index)
    alpha = sheet.questions[0].values[0][1].text
    assert kinks.part("leaky_relu.a").kink_policy == KinkPolicy("between")
    for inside in (alpha, f"({alpha} + 1)/2", "1"):
        answer = f"Piecewise(({alpha}, x < 0), ({inside}, x == 0), (1, x > 0))"
        assert status(sheet, "leaky_relu.a", answer) == "correct", inside
    assert status(sheet, "leaky_relu.a", f"{alpha} if x < 0 else 1") == "correct"
    assert status(sheet, "leaky_relu.a", f"Piecewise(({alpha}, x < 0), (1, x > 0))") == "correct"  # undefined at 0
    for outside in (f"{alpha}/2", "0", "3/2"):
        assert status(sheet, "leaky_relu.a", f"Piecewise(({alpha}, x < 0), ({outside}, x == 0), (1, x > 0))") \
            == "incorrect", outside


@pytest.mark.parametrize(("address", "kink", "inside", "outside"), [
    ("hardtanh.a", "1", "1/2", "2"), ("hardtanh.a", "-1", "0", "-1/2"),
    ("relu6.a", "0", "1/3", "-1"), ("relu6.a", "6", "1", "6"),
    ("hardsigmoid.a", "-3", "1/12", "1/4"), ("hardsigmoid.a", "3", "0", "1/2"),
])
def test_between_at_each_kink(kinks: Sheet, address: str, kink: str, inside: str, outside: str) -> None:
    expects = kinks.part(address).expects
    assert isinstance(expects, ExpressionAnswer)
    base = expects.answer.text
    for value, verdict in ((inside, "correct"), (outside, "incorrect")):
        answer = f"{value} if x == {kink} else {base}"
        assert status(kinks, address, answer) == verdict, (address, kink, value)


# --- left, right, a fixed value, undefined, any -----------------------------------------------------

def test_left_leaky_relu_as_pytorch(kinks: Sheet) -> None:
    sheet = pick(kinks, 7)  # alpha = 0.2
    assert sheet.part("leaky_relu.c").kink_policy == KinkPolicy("left")
    assert status(sheet, "leaky_relu.c", "α if x <= 0 else 1") == "correct"
    assert status(sheet, "leaky_relu.c", "0.2 if x <= 0 else 1") == "correct"
    assert status(sheet, "leaky_relu.c", "α if x < 0 else 1") == "incorrect"  # 1 at 0: the right-hand one
    assert status(sheet, "leaky_relu.c", "Piecewise((α, x < 0), (1, x > 0))") == "incorrect"  # undefined at 0
    assert status(sheet, "leaky_relu.c", "Piecewise((α, x < 0), (0.6, x == 0), (1, x > 0))") == "incorrect"


def test_right_hard_sigmoid(kinks: Sheet) -> None:
    assert kinks.part("hardsigmoid.b").kink_policy == KinkPolicy("right")
    assert status(kinks, "hardsigmoid.b", "Piecewise((1/6, (x >= -3) & (x < 3)), (0, True))") == "correct"
    assert status(kinks, "hardsigmoid.b", "1/6 if -3 <= x < 3 else 0") == "correct"
    assert status(kinks, "hardsigmoid.b", "1/6 if -3 < x < 3 else 0") == "incorrect"  # 0 at -3
    assert status(kinks, "hardsigmoid.b", "1/6 if -3 <= x <= 3 else 0") == "incorrect"  # 1/6 at 3
    assert status(kinks, "hardsigmoid.b", "Piecewise((1/6, abs(x) < 3), (0, abs(x) > 3))") == "incorrect"


def test_value_relu6_as_pytorch(kinks: Sheet) -> None:
    policy = kinks.part("relu6.b").kink_policy
    assert policy is not None and policy.kind == "value" and policy.value == 0
    assert status(kinks, "relu6.b", "1 if 0 < x < 6 else 0") == "correct"
    assert status(kinks, "relu6.b", "Heaviside(x, 0) - Heaviside(x - 6, 1)") == "correct"
    assert status(kinks, "relu6.b", "Heaviside(x) - Heaviside(x - 6)") == "incorrect"  # 1/2 at both kinks
    assert status(kinks, "relu6.b", "1 if 0 <= x < 6 else 0") == "incorrect"  # 1 at 0
    assert status(kinks, "relu6.a", "1 if 0 <= x <= 6 else 0") == "correct"  # (a) allows any subgradient


def test_undefined_hardtanh(kinks: Sheet) -> None:
    assert kinks.part("hardtanh.b").kink_policy == KinkPolicy("undefined")
    assert status(kinks, "hardtanh.b", "Piecewise((1, abs(x) < 1), (0, abs(x) > 1))") == "correct"
    assert status(kinks, "hardtanh.b", "Piecewise((0, x < -1), (1, (x > -1) & (x < 1)), (0, x > 1))") == "correct"
    assert status(kinks, "hardtanh.b", "1 if abs(x) < 1 else 0") == "incorrect"  # 0 at ±1
    assert status(kinks, "hardtanh.b", "Piecewise((1, abs(x) <= 1), (0, True))") == "incorrect"
    assert status(kinks, "hardtanh.a", "1 if abs(x) <= 1 else 0") == "correct"  # (a): between


def test_any_elu(kinks: Sheet) -> None:
    sheet = at_index(kinks, "elu", 2)  # alpha = 2: the one-sided derivatives at 0 are 2 and 1
    assert sheet.part("elu.a").kink_policy == KinkPolicy("any")
    for value in ("7", "-1", "3/2"):
        assert status(sheet, "elu.a", f"Piecewise((2e^x, x < 0), ({value}, x == 0), (1, x > 0))") == "correct"
    assert status(sheet, "elu.a", "Piecewise((2e^x, x < 0), (1, x > 0))") == "correct"
    assert status(sheet, "elu.a", "Piecewise((2e^x, x < 0), (2, x > 0))") == "incorrect"  # wrong away from 0


def test_selu_between_lambda_and_lambda_alpha(kinks: Sheet) -> None:
    """The one-sided derivatives at 0 are λ ≈ 1.0507 and λα ≈ 1.7581."""
    assert kinks.part("selu.a").kink_policy is None  # the default: between
    for value, verdict in (("1.5", "correct"), ("λ", "correct"), ("λ*α", "correct"), ("1", "incorrect"),
                           ("1.76", "incorrect")):
        answer = f"Piecewise((λ, x > 0), ({value}, x == 0), (λ α e^x, x < 0))"
        assert status(kinks, "selu.a", answer) == verdict, value
