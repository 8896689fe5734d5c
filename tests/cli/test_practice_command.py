"""`grader practice` with answers piped in (a real subprocess), and `grader list` / `grader show`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import sheets
from grader.batch.grade import grade_paths
from grader.batch.submissions import Submission, read
from grader.cli import app
from grader.sheets.variants import pick, seed_for_student

runner = CliRunner()


def practice(*args: str, answers: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "grader", "practice", *args], input=answers, capture_output=True,
        text=True, encoding="utf-8", env=env, timeout=60, check=False,
    )


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_piped_session_invalid_wrong_hint_correct_and_a_derivation() -> None:
    answers = "\n".join([
        "tahn(x)",  # invalid: caret and hint, no attempt used
        "-e^(-x)/(1+e^-x)^2",  # wrong: a known mistake
        ":hint",
        "σ(x)(1-σ(x))",  # correct on the second attempt
        "e^-x/(1+e^-x)^2",  # sigmoid.b: a derivation, ended by the empty line
        "= 1/(1+e^-x) * e^-x/(1+e^-x)",
        "= σ(x)(1-σ(x))",
        "",
    ]) + "\n"
    done = practice("--question", "sigmoid", "--seed", "3", answers=answers)
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Derivatives of Common Activation Functions" in out and "seed 3" in out
    assert "σ(x) = 1/(1 + e⁻ˣ)" in out  # the statement's LaTeX as unicode
    assert "sigmoid.a › tahn(x)" in out  # piped answers are echoed after their prompt
    assert "did you mean tanh(x)?" in out and "(no attempt used)" in out
    assert "The sign is wrong" in out and "2 attempts left" in out
    assert "Hint 1/3:" in out
    assert "sigmoid.a (attempt 2/3) › σ(x)(1-σ(x))" in out
    assert "✓ line 3: (1 - σ(x))·σ(x)" in out
    assert "Worked solution (steps) of sigmoid.b" in out
    assert "5/5" in out  # the total
    assert "\x1b[" not in out  # no colour into a pipe


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_piped_session_correct_first_try_then_solution() -> None:
    done = practice("--question", "tanh", answers="sech^2 x\n:solution\n")
    assert done.returncode == 0
    out = done.stdout
    assert "✓ correct  2/2 points" in out
    assert "Worked solution of tanh.b" in out and "Hence," in out
    assert "solution shown" in out and "2/5" in out


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_piped_input_ending_mid_session_prints_the_table() -> None:
    done = practice("--question", "tanh", "--no-color", answers="1\n")
    assert done.returncode == 0
    assert "Input ended (Ctrl-D)." in done.stdout
    assert "unfinished" in done.stdout and "0/5" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_bad_sheet_or_question_is_a_usage_error() -> None:
    done = practice("no-such-sheet", answers="")
    assert done.returncode == 2 and "no bundled sheet `no-such-sheet`" in done.stderr
    result = runner.invoke(app, ["practice", "--question", "sigmiod"], input="")
    assert result.exit_code == 2 and "did you mean `sigmoid`?" in result.stderr


def test_list_text_and_json() -> None:
    result = runner.invoke(app, ["list", "--no-color"])
    assert result.exit_code == 0
    for address in ("sigmoid.a", "tanh.b", "relu.b.differentiable", "relu.b.at_zero"):
        assert address in result.stdout
    assert "9 parts, 16 points" in result.stdout
    assert "Find d/dx σ(x) using the chain rule." in result.stdout
    data = json.loads(runner.invoke(app, ["list", "activation-derivatives", "--json"]).stdout)
    (sheet,) = data["sheets"]
    assert sheet["id"] == "activation-derivatives" and sheet["points"] == 16 and sheet["bundled"] is True
    parts = [p for q in sheet["questions"] for p in q["parts"]]
    assert parts[0] == {"address": "sigmoid.a", "kind": "expression", "points": 2.0,
                        "ask": "Find $\\frac{d}{dx}\\sigma(x)$ using the chain rule."}
    bad = runner.invoke(app, ["list", "nope"])
    assert bad.exit_code == 2 and "no bundled sheet" in bad.stderr


def test_show_question_part_and_solution() -> None:
    result = runner.invoke(app, ["show", "sigmoid", "--no-color"])
    assert result.exit_code == 0
    assert "Sigmoid Function" in result.stdout and "σ(x) = 1/(1 + e⁻ˣ)" in result.stdout
    assert "sigmoid.a" in result.stdout and "sigmoid.b" in result.stdout
    assert "Worked solution" not in result.stdout
    result = runner.invoke(app, ["show", "relu.b.left", "--solution", "--no-color"])
    assert result.exit_code == 0
    assert "relu.b  Discuss what happens" in result.stdout and "relu.b.left" in result.stdout
    assert "relu.b.right" not in result.stdout.split("Worked solution")[0]
    assert "Worked solution of relu.b" in result.stdout
    bad = runner.invoke(app, ["show", "tanh.c"])
    assert bad.exit_code == 2 and "did you mean `tanh." in bad.stderr


def test_help_has_examples() -> None:
    for command in ("practice", "list", "show"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.stdout


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_save_writes_a_submission_that_grades_as_the_session_did(tmp_path: Path) -> None:
    """The saved file reads back to the answers typed (LaTeX backslashes and a derivation intact),
    and a randomised sheet's file grades against the variants the student was asked."""
    answers = "\n".join([
        "\\frac{4}{(e^x+e^{-x})^2}", "4/(e^x+e^(-x))^2", "= sech(x)^2", "= 1 - tanh(x)^2", "", "",
    ]) + "\n"
    saved = tmp_path / "mine.yaml"
    done = runner.invoke(app, ["practice", "--question", "tanh", "--student", "s1", "--save", str(saved),
                               "--no-color"], input=answers)
    assert done.exit_code == 0, done.output
    got = read(str(saved))
    assert isinstance(got, Submission) and got.student == "s1" and got.seed is None
    derivation = "4/(e^x+e^(-x))^2\n= sech(x)^2\n= 1 - tanh(x)^2"
    assert got.answers == {"tanh.a": "\\frac{4}{(e^x+e^{-x})^2}", "tanh.b": derivation}
    batch = grade_paths([str(saved)], jobs=1)
    assert [(a.address, a.status) for a in batch.rows[0].answers if a.text] == [("tanh.a", "correct"),
                                                                               ("tanh.b", "correct")]


def test_show_and_practice_student_show_the_variant_batch_grading_uses() -> None:
    sheet = sheets.load("piecewise-activations")
    for student in ("s1", "s2", "s3", "s4"):
        alpha = pick(sheet, seed_for_student(student)).questions[0].values[0][1].text
        shown = runner.invoke(app, ["show", "leaky_relu.a", "--sheet", "piecewise-activations", "--student", student,
                                    "--no-color"])
        assert f"α = {alpha}" in shown.stdout, (student, alpha)
    both = runner.invoke(app, ["show", "leaky_relu", "--sheet", "piecewise-activations", "--student", "a",
                               "--seed", "1"])
    assert both.exit_code == 2 and "not both" in both.stderr
