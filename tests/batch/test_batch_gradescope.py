"""The Gradescope autograder zip, run end to end in a fake /autograder tree (issue 14, item 7)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]


def _autograder(tmp_path: Path, files: dict[str, str], sheet: str = "activation-derivatives",
                modified: dict[str, float] | None = None,
                extra: tuple[str, ...] = ()) -> tuple[dict[str, object], Path]:
    """Build the zip, unpack it as Gradescope does (/autograder/source), run run_autograder (with this
    Python: tests/batch/test_gradescope_setup.py runs setup.sh's own environment)."""
    zip_path = tmp_path / "autograder.zip"
    built = CliRunner().invoke(app, ["gradescope", sheet, "-o", str(zip_path), *extra])
    assert built.exit_code == 0, built.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        assert {"setup.sh", "run_autograder"} <= set(archive.namelist())
        assert archive.getinfo("run_autograder").external_attr >> 16 & 0o111  # executable once unpacked
    (root / "submission").mkdir()
    for name, text in files.items():
        (root / "submission" / name).write_text(text, encoding="utf-8")
    for name, when in (modified or {}).items():
        os.utime(root / "submission" / name, (when, when))
    os.chmod(root / "source" / "run_autograder", 0o755)  # zipfile does not restore modes; Gradescope does
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8")), root


@pytest.mark.system  # builds a zip and runs its shell script, which starts python
def test_the_bundle_grades_a_submission_in_a_fake_autograder_tree(tmp_path: Path) -> None:
    answers = ("student: s1\nanswers:\n  sigmoid.a: 'σ(x)(1-σ(x))'\n  tanh.a: '2/(e^x+e^(-x))^2'\n"
               "  relu.a: '((x'\n")
    result, root = _autograder(tmp_path, {"answers.yaml": answers, "notes.pdf": "not a submission"})
    assert (result["score"], result["max_score"]) == (2.0, 16.0)
    tests = {t["name"]: t for t in result["tests"]}  # type: ignore[union-attr]
    assert tests["sigmoid.a"]["status"] == "passed" and tests["tanh.a"]["status"] == "failed"
    assert "Check the numerator" in tests["tanh.a"]["output"]  # the misconception, with its maths ...
    assert "$" not in json.dumps(result)  # ... as text, never raw LaTeX
    vendored = subprocess.run([sys.executable, "-c", "import grader; print(grader.__file__)"], capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(root / "source" / "vendor")}, check=True,
                              cwd=root / "submission")
    assert vendored.stdout.startswith(str(root / "source" / "vendor"))  # the zip's own copy is what ran
    assert (root / "source" / "vendor" / "grader" / "_bundled" / "exercises" / "activation-derivatives.yaml").exists()


@pytest.mark.system
def test_an_empty_or_unreadable_submission_still_gets_a_result(tmp_path: Path) -> None:
    empty, _ = _autograder(tmp_path / "a", {})
    assert empty["score"] == 0 and "No submission file found" in str(empty["output"])
    bad, _ = _autograder(tmp_path / "b", {"answers.yaml": "answers: [x\n"})
    assert bad["score"] == 0 and "answers.yaml could not be read: invalid YAML" in str(bad["output"])


@pytest.mark.system
def test_an_upload_without_an_answer_file_names_what_was_uploaded(tmp_path: Path) -> None:
    result, _ = _autograder(tmp_path, {"answers.csv": "student,sigmoid.a\ns1,σ(x)(1-σ(x))\n", "notes.txt": "x"})
    assert result["score"] == 0
    assert str(result["output"]).startswith(
        "No answer file found: you uploaded answers.csv, notes.txt, and answers are read only from a file ending "
        "in .yaml, .yml, .json, .ipynb. Upload one .yaml, .json or .ipynb file")


@pytest.mark.system
def test_of_several_files_the_one_modified_last_counts_whichever_student_it_names(tmp_path: Path) -> None:
    files = {"old.yaml": "student: ada\nanswers:\n  sigmoid.a: 'σ(x)(1-σ(x))'\n",
             "new.yaml": "student: zed\nanswers:\n  relu.a: '((x'\n"}
    result, _ = _autograder(tmp_path, files, modified={"old.yaml": 1_000_000, "new.yaml": 2_000_000})
    assert result["score"] == 0.0
    assert "2 submission files were uploaded; only new.yaml was graded." in str(result["output"])


RANDOMISED = """\
id: my-randomised-sheet
title: Softplus with a sharpness
variables: [x]
questions:
  - id: softplus
    title: Softplus
    statement: Let $f(x) = \\log(1 + e^{{k}x})$.
    parameters:
      k: [2, 3, 5]
    function: log(1 + e^(k*x))
    parts:
      - id: a
        ask: Find $f'(x)$.
        kind: expression
        answer: k*e^(k*x)/(1 + e^(k*x))
        derivative: true
        points: 3
"""


@pytest.mark.system
def test_the_variant_comes_from_the_submissions_student_or_seed(tmp_path: Path) -> None:
    sheet = tmp_path / "randomised.yaml"
    sheet.write_text(RANDOMISED, encoding="utf-8")
    k3, k2 = "3e^(3x)/(1+e^(3x))", "2e^(2x)/(1+e^(2x))"
    for student, power in (("ada", "e³ˣ"), ("ben", "e⁵ˣ")):  # the variants `grader show` gives them
        shown = CliRunner().invoke(app, ["show", "softplus.a", "--student", student, "--sheet", str(sheet)])
        assert power in shown.output
    graded = {}
    for name, text in {"ada": f"student: ada\nanswers:\n  softplus.a: '{k3}'\n",
                       "ben": f"student: ben\nanswers:\n  softplus.a: '{k3}'\n",
                       "seed": f"student: ben\nseed: 0\nanswers:\n  softplus.a: '{k2}'\n"}.items():
        graded[name], _ = _autograder(tmp_path / name, {"answers.yaml": text}, str(sheet))
    assert graded["ada"]["score"] == 3.0 and "Your variant: softplus: k=3" in str(graded["ada"]["output"])
    assert graded["ben"]["score"] == 0.0 and "Your variant: softplus: k=5" in str(graded["ben"]["output"])
    assert graded["seed"]["score"] == 3.0 and "Your variant: softplus: k=2" in str(graded["seed"]["output"])


def test_the_zip_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    for name in ("a.zip", "b.zip"):
        assert CliRunner().invoke(app, ["gradescope", "-o", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


@pytest.mark.system
def test_worked_solutions_are_shown_under_wrong_parts_only_when_given(tmp_path: Path) -> None:
    """An own sheet's solutions file, named with --solutions, ships in the zip (issue 21)."""
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    sheet = course / "exercises" / "week-1.yaml"
    sheet.write_text((ROOT / "exercises" / "activation-derivatives.yaml").read_text(encoding="utf-8"), "utf-8")
    worked = course / "elsewhere" / "worked.yaml"
    worked.parent.mkdir()
    worked.write_text((ROOT / "solutions" / "activation-derivatives.yaml").read_text(encoding="utf-8"), "utf-8")
    answers = {"a.yaml": "student: s1\nanswers:\n  sigmoid.a: 'σ(x)(1-σ(x))'\n  tanh.a: 'x'\n"}
    plain, _ = _autograder(tmp_path / "plain", answers, str(sheet))
    assert "Worked solution" not in json.dumps(plain)
    shown, root = _autograder(tmp_path / "shown", answers, str(sheet), extra=("--solutions", str(worked)))
    tests = {t["name"]: t["output"] for t in shown["tests"]}  # type: ignore[union-attr]
    assert "Worked solution:" in tests["tanh.a"] and "Worked solution:" in tests["relu.a"]  # wrong, missing
    assert "Worked solution" not in tests["sigmoid.a"]  # right
    assert "$" not in tests["tanh.a"]
    assert "--solutions" in (root / "source" / "run_autograder").read_text(encoding="utf-8")
    wrong = CliRunner().invoke(app, ["gradescope", str(sheet), "-o", str(tmp_path / "x.zip"), "--solutions",
                                     str(ROOT / "solutions" / "backprop.yaml")])
    assert wrong.exit_code == 2 and "not of `activation-derivatives`" in wrong.stderr


def test_a_course_sheets_zip_names_its_template_command_and_the_solutions_left_out(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    (course / "solutions").mkdir()
    sheet = course / "exercises" / "week-1.yaml"
    sheet.write_text((ROOT / "exercises" / "activation-derivatives.yaml").read_text(encoding="utf-8"), "utf-8")
    (course / "solutions" / "w1.yaml").write_text(
        (ROOT / "solutions" / "activation-derivatives.yaml").read_text(encoding="utf-8"), "utf-8")
    built = CliRunner().invoke(app, ["gradescope", str(sheet), "-o", str(tmp_path / "a.zip")])
    assert built.exit_code == 0
    assert "note: the worked solutions in" in built.stderr and "--solutions PATH" in built.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        readme = archive.read("README.md").decode()
    assert "grader template exercises/week-1.yaml --student ID" in readme  # works in the course folder
    bundled = CliRunner().invoke(app, ["gradescope", "activation-derivatives", "-o", str(tmp_path / "b.zip")])
    assert bundled.exit_code == 0 and "note:" not in bundled.stderr
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert "grader template activation-derivatives --student ID" in archive.read("README.md").decode()
