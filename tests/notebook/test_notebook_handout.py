"""`grader template SHEET --notebook`: a student notebook for any sheet, which `grader grade` reads back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.batch.submissions import Submission, read
from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_a_notebook_for_a_course_sheet_file_reads_back_as_a_submission(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / "piecewise-activations.yaml", tmp_path / "exercises" / "hw4.yaml")
    monkeypatch.chdir(tmp_path)
    command = ["template", "exercises/hw4.yaml", "--notebook", "--student", "s1", "-o", "s1.ipynb"]
    done = CliRunner().invoke(app, command)
    assert done.exit_code == 0, done.output
    nb = json.loads(Path("s1.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["grader"] == {"sheet": "piecewise-activations", "student": "s1"}
    setup = "".join(nb["cells"][1]["source"])
    assert 'gn.use("exercises/hw4.yaml", student="s1")' in setup
    assert all(c["outputs"] == [] for c in nb["cells"] if c["cell_type"] == "code")
    hand_in = next(c for c in nb["cells"] if "".join(c["source"]).startswith("gn.answer("))
    hand_in["source"] = ["".join(hand_in["source"]).replace('gn.answer("leaky_relu.a", r"")',
                                                           'gn.answer("leaky_relu.a", r"\\alpha if x < 0 else 1")')]
    Path("s1.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    sub = read("s1.ipynb")
    assert isinstance(sub, Submission) and sub.student == "s1" and sub.sheet == "piecewise-activations"
    assert sub.answers == {"leaky_relu.a": "\\alpha if x < 0 else 1"}
    again = CliRunner().invoke(app, ["template", "exercises/hw4.yaml", "--notebook", "-o", "s1.ipynb"])
    assert again.exit_code == 2 and "exists" in again.output  # never over a notebook that may hold answers


def test_the_notebooks_sheet_path_is_from_the_notebooks_folder(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "exercises").mkdir()
    (tmp_path / "handouts").mkdir()
    shutil.copy(ROOT / "exercises" / "smooth-activations.yaml", tmp_path / "exercises" / "hw1.yaml")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, ["template", "exercises/hw1.yaml", "--notebook", "-o", "handouts/hw1.ipynb"])
    assert done.exit_code == 0, done.output
    setup = "".join(json.loads(Path("handouts/hw1.ipynb").read_text(encoding="utf-8"))["cells"][1]["source"])
    assert 'gn.use("../exercises/hw1.yaml"' in setup  # Jupyter starts the kernel in handouts/
