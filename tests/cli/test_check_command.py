"""`grader check`: the one-answer command and its public contract (output, JSON, exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_correct_answer_exit_0_and_echo() -> None:
    code, out, _ = run("check", "sigmoid.a", "σ(x)(1−σ(x))", "--no-color")
    assert code == 0
    assert "correct" in out
    assert "You entered:" in out
    assert "σ(x)" in out  # sympy's unicode pretty print
    assert "Decided by:" in out


def test_incorrect_answer_exit_1_with_counterexample() -> None:
    code, out, _ = run("check", "tanh.a", "4/(e^x+e^(-x))^3", "--no-color")  # no broken rule explains it
    assert code == 1
    assert "incorrect" in out
    assert "At x = " in out


def test_invalid_answer_shows_caret_and_hint() -> None:
    code, out, _ = run("check", "tanh.a", "tahn(x)", "--no-color")
    assert code == 1
    assert "invalid" in out
    assert "^" in out
    assert "tanh" in out


@pytest.mark.parametrize(
    ("part", "answer", "status", "code"),
    [
        ("sigmoid.a", "e^-x/(1+e^-x)^2", "correct", 0),
        ("tanh.a", r"\frac{4}{(e^x+e^{-x})^2}", "correct", 0),
        ("relu.a", "1 if x > 0 else 0", "correct", 0),
        ("relu.a", "1", "incorrect", 1),
        ("relu.b.differentiable", "No", "correct", 0),
        ("relu.b.at_zero", "0", "correct", 0),
        ("sigmoid.a", "((", "invalid", 1),
    ],
)
def test_json_contract(part: str, answer: str, status: str, code: int) -> None:
    exit_code, out, _ = run("check", part, answer, "--json")
    assert exit_code == code
    data = json.loads(out)  # exactly one JSON object
    assert data["part"] == part
    assert data["status"] == status
    assert 0.0 <= data["score"] <= 1.0
    assert isinstance(data["feedback"], str) and data["feedback"]
    assert "interpreted" in data
    if status == "invalid":
        assert data["interpreted"] is None
        assert data["parse_error"]["offset"] >= 0
    else:
        assert isinstance(data["interpreted"], str)


def test_at_zero_feedback_names_frameworks() -> None:
    _, out, _ = run("check", "relu.b.at_zero", "0.5", "--json")
    assert "use" in json.loads(out)["feedback"] and "0" in json.loads(out)["feedback"]
    assert "PyTorch" in json.loads(out)["feedback"]


def test_answer_from_stdin() -> None:
    code, out, _ = run("check", "sigmoid.a", "-", "--json", stdin="e^(-x)/(1+e^(-x))^2\n")
    assert code == 0
    assert json.loads(out)["status"] == "correct"


def test_answer_starting_with_minus() -> None:
    code, out, _ = run("check", "sigmoid.a", "--json", "--", "-e^(-x)/(1+e^(-x))^2")
    assert code == 1
    assert json.loads(out)["status"] == "incorrect"


def test_unknown_part_is_a_usage_error() -> None:
    code, out, err = run("check", "sigmoid.z", "1")
    assert code == 2
    assert out == ""
    assert "no part `sigmoid.z`" in err


def test_bad_sheet_is_exit_2_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\ntitle: B\nquestions:\n  - id: q\n    statment: hi\n    parts: []\n", encoding="utf-8")
    code, _, err = run("check", "q.a", "1", "--sheet", str(bad))
    assert code == 2
    assert f"{bad}:5:5" in err
    assert "statement" in err  # did you mean


def test_help_has_examples() -> None:
    code, out, _ = run("check", "--help")
    assert code == 0
    assert "Examples" in out and "grader check sigmoid.a" in out


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_python_dash_m_runs_from_another_folder(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "check", "tanh.a", "sech^2 x", "--json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "correct"


def test_worked_solution_on_request() -> None:
    code, out, _ = run("check", "tanh.a", "sech^2 x", "--solution", "--no-color")
    assert code == 0
    assert "Worked solution of tanh.a" in out
    assert "e²ˣ + 2 + e⁻²ˣ" in out  # a step of the seed's solution, as unicode
    _, raw, _ = run("check", "relu.b.left", "0", "--solution", "--json")
    data = json.loads(raw)
    assert data["worked_solution"]["part"] == "relu.b"  # the group's solution covers its sub-parts
    assert any(step["prose"] for step in data["worked_solution"]["steps"])


@pytest.mark.parametrize("args", [
    ("check", "sigmoid.a", "-e^(-x)/(1+e^(-x))^2", "--json"),
    ("check", "sigmoid.a", "--json", "-e^(-x)/(1+e^(-x))^2"),
    ("check", "tanh.a", "-sech(x)^2", "--json"),  # starts like -s, the --sheet option
    ("check", "tanh.a", "--sheet", "activation-derivatives", "-sech(x)^2", "--json"),
])
def test_answer_starting_with_minus_needs_no_double_dash(args: tuple[str, ...]) -> None:
    code, out, _ = run(*args)
    assert code == 1
    data = json.loads(out)
    assert data["status"] == "incorrect" and data["interpreted"].startswith("-")


@pytest.mark.parametrize(("args", "a", "b"), [
    (("equiv", "x", "-sin(x)"), "x", "-sin(x)"),
    (("equiv", "-sin(x)", "-sin(x)", "--json"), "-sin(x)", "-sin(x)"),
    (("equiv", "-x^2", "-v", "x", "-(x^2)", "--json"), "-x**2", "-x**2"),
    (("equiv", "--json", "--", "-s", "s"), "-s", "s"),
])
def test_equiv_expressions_starting_with_minus(args: tuple[str, ...], a: str, b: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    if "--json" in args:
        assert json.loads(result.stdout)["interpreted"] == [a, b]
    else:
        assert f"A: {a}" in result.stdout and f"B: {b}" in result.stdout


@pytest.mark.parametrize("args", [("equiv", "s", "-s"), ("check", "sigmoid.a", "-s")])
def test_an_option_name_as_an_expression_says_to_use_double_dash(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert "`-s` is an option" in err and "put -- before the expressions" in err


def test_unknown_long_option_is_still_an_error() -> None:
    code, _, err = run("equiv", "x", "y", "--jsn")
    assert code == 2
    assert "No such option: --jsn" in err


OWN_SHEET = """\
id: own-leaky
title: Leaky ReLU, my own
variables: [x]
questions:
  - id: leaky
    title: Leaky ReLU
    statement: $f(x) = x/10$ for $x < 0$, $x$ for $x \\geq 0$.
    function: Piecewise((x/10, x < 0), (x, x >= 0))
    parts:
      - id: a
        ask: Find $f'(x)$.
        kind: expression
        answer: Piecewise((1/10, x < 0), (1, x > 0))
        derivative: true
"""


def test_a_wrong_answer_says_where_and_how_it_differs(tmp_path: Path) -> None:
    code, out, _ = run("check", "relu.a", "sign(x)", "--no-color")
    assert code == 1
    feedback = out.index("ReLU is constant there")
    assert out.index("Your answer is -1 for x < 0, where the derivative is 0. It is right for x > 0.") > feedback
    sheet = tmp_path / "own.yaml"
    sheet.write_text(OWN_SHEET, encoding="utf-8")
    code, out, _ = run("check", "leaky.a", "1 if x > 0 else 0", "--sheet", str(sheet), "--no-color")
    assert code == 1
    assert "Your answer is 0 for x < 0, where the derivative is 0.1. It is right for x > 0." in out
    code, out, _ = run("check", "leaky.a", "1 if x > 0 else 0", "--sheet", str(sheet), "--json")
    data = json.loads(out)  # the Result as before (its feedback unchanged), and the words in a field of their own
    assert "Your answer is" not in data["feedback"]
    assert data["words"] == "Your answer is 0 for x < 0, where the derivative is 0.1. It is right for x > 0."


def test_the_readme_plot_words_example_is_what_grader_check_prints() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ grader check relu.a 'sign(x)'\n", 1)[1].split("```", 1)[0]
    code, out, _ = run("check", "relu.a", "sign(x)", "--no-color")
    assert code == 1 and out == block


def test_json_has_the_plot_words_and_no_empty_extra() -> None:
    _, out, _ = run("check", "relu.a", "1", "--json")
    data = json.loads(out)
    assert data["words"] == "Your answer is 1 for x < 0, where the derivative is 0. It is right for x > 0."
    assert "extra" not in data  # never filled by the engine: not in the JSON, as in results.json
    _, out, _ = run("check", "relu.a", "Heaviside(x)", "--json")
    assert json.loads(out)["words"] == ""
