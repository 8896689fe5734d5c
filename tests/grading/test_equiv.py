"""`grader equiv`: the grader's engine on two expressions, for sheet authors."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from grader import sheets
from grader.cli import app
from grader.core.errors import UsageError
from grader.grading.equiv import equiv

runner = CliRunner()

SAME = [
    ("1/(4cosh(x/2)^2)", "e^-x/(1+e^-x)^2"),
    ("4/(e^x+e^-x)^2", "sech(x)^2"),
    ("sech^2 x", "1 - tanh^2 x"),
    ("a^b*a^c", "a^(b+c)"),
    ("log(a*b)", "log(a) + log(b)"),
    ("sqrt(x^2)", "abs(x)"),
    ("sqrt(x)^2", "x"),
    ("x/x", "1"),
    ("sin(x)^2 + cos(x)^2", "1"),
    ("cosh(x)^2 - sinh(x)^2", "1"),
    ("sin(2t)", "2 sin(t) cos(t)"),
    ("exp(log(x))", "x"),
    ("(x^2 - y^2)/(x - y)", "x + y"),
    (r"\frac{1}{2}", "0.5"),
    ("abs(x*y)", "abs(x) abs(y)"),
]
DIFFERENT = [
    ("sqrt(x^2)", "x"),
    ("abs(x)", "x"),
    ("a^b*a^c", "a^(b*c)"),
    ("sech(x)", "sech(x)^2"),
    ("log(x^2)", "log(x)"),
    ("sin(x)", "cos(x)"),
    ("x + y", "x + y + 10^-20"),
    ("atan(x)", "x"),
    ("e^x", "1 + x + x^2/2"),
    ("tanh(x)", "x/(1+abs(x))"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_identities(a: str, b: str) -> None:
    result = equiv(a, b)
    assert result.verdict == "equivalent", result
    assert result.method


def test_numeric_agreement_with_tame_constants_is_still_accepted() -> None:
    result = equiv("log(1 + exp(x))", "x + log(1 + exp(-x))")
    assert result.verdict == "equivalent"


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_non_identities_have_counterexamples(a: str, b: str) -> None:
    result = equiv(a, b)
    assert result.verdict == "different", result
    assert result.counterexample is not None
    assert result.counterexample["a"] != result.counterexample["b"]


def test_holds_only_on_part_of_the_line() -> None:
    result = equiv("abs(x)", "x")
    assert result.verdict == "different"
    assert result.counterexample is not None
    assert result.counterexample["point"]["x"].startswith("-")


def test_variables_are_found_and_can_be_restricted() -> None:
    assert equiv("a^b*a^c", "a^(b+c)").variables == ("a", "b", "c")
    restricted = equiv("x + y", "y + x", variables=("x",))
    assert restricted.verdict == "invalid"
    assert "unknown name `y`" in (restricted.error or "")
    with pytest.raises(UsageError):
        equiv("x", "x", variables=("1x",))


def test_sheet_functions_known_with_sheet() -> None:
    sheet = sheets.load("activation-derivatives")
    assert equiv("sigma(x)(1-sigma(x))", "e^x/(1+e^x)^2", sheet=sheet).verdict == "equivalent"
    assert equiv("ReLU(x)", "max(0, x)", sheet=sheet).verdict == "equivalent"


@pytest.mark.parametrize("hostile", ["9^9^9^9", "factorial(10^10)", "(" * 1000 + "x" + ")" * 1000, "x" * 100_000,
                                     "__import__('os')", "e^(e^(e^(e^x)))"])
def test_hostile_input_is_bounded(hostile: str) -> None:
    began = time.perf_counter()
    result = equiv(hostile, "x")
    assert result.verdict in ("invalid", "different", "unknown")
    assert time.perf_counter() - began < 5.0


def test_cli_json_and_exit_codes() -> None:
    ok = runner.invoke(app, ["equiv", "sech^2 x", "1 - tanh(x)^2", "--json"])
    assert ok.exit_code == 0
    data = json.loads(ok.stdout)
    assert data["verdict"] == "equivalent"
    assert data["counterexample"] is None
    assert data["interpreted"] == ["sech(x)**2", "1 - tanh(x)**2"]
    bad = runner.invoke(app, ["equiv", "abs(x)", "x", "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["counterexample"]["point"]["x"].startswith("-")
    invalid = runner.invoke(app, ["equiv", "((", "x"])
    assert invalid.exit_code == 1 and "invalid" in invalid.stdout
    usage = runner.invoke(app, ["equiv", "-", "-"])
    assert usage.exit_code == 2


def test_cli_text_and_stdin() -> None:
    result = runner.invoke(app, ["equiv", "-", "x^2", "--var", "x"], input="x*x\n")
    assert result.exit_code == 0
    assert result.stdout.startswith("equivalent")
    assert "decided by:" in result.stdout


def test_ten_distinct_names_do_not_crash() -> None:
    result = equiv("v+w+x+y+z", "a+b+c+A+B")
    assert result.verdict == "different"
    assert result.counterexample is not None and len(result.counterexample["point"]) == 10


def test_power_of_a_power_differs_at_a_real_point() -> None:
    result = equiv("(a^b)^c", "a^(b*c)")
    assert result.verdict == "different"
    assert result.counterexample == {"point": {"a": "-1", "b": "2", "c": "1/2"}, "a": "1", "b": "-1"}


@pytest.mark.parametrize(("a", "b", "want"), [
    ("(x-a)^6000", "(x-a)^6000", "equivalent"),
    ("(a-x)^6000", "(x-a)^6000", "equivalent"),
    ("(a-x)^6001", "(x-a)^6001", "different"),
    ("258552*x^7*(81*x^8+1)^398", "x^3*(x^4+1)^399", "different"),
    ("(x+1)^10000", "(x+1)^9999*(x+1)", "equivalent"),
])
def test_exponents_in_the_thousands_on_sums(a: str, b: str, want: str) -> None:
    assert equiv(a, b).verdict == want


@pytest.mark.parametrize("text", ["(x+1)^10001", "(x+1)^6000*(x+1)^6000", "x^201", "(1+e^x)^100000"])
def test_exponent_caps_still_hold(text: str) -> None:
    result = equiv(text, "1")
    assert result.verdict == "invalid"
    assert "exponents may be at most 10000 on a sum" in (result.error or "")


def test_identical_after_reading_does_not_claim_the_same_text() -> None:
    simplified = equiv("sqrt((x^2+1)^2)", "x^2+1")
    assert (simplified.verdict, simplified.method) == ("equivalent", "identical")
    assert "written exactly" not in simplified.detail
    assert simplified.detail == "A and B read as the same expression, x**2 + 1"
    assert equiv("x+1", "x + 1").detail == "A and B are the same text"
