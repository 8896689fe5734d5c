"""Notebooks handed in (.ipynb): answers read from `gn.answer` literals and tagged cells, never run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.batch import notebooks
from grader.batch.submissions import Submission, Unreadable, read
from grader.cli import app


def _nb(cells: list[dict[str, object]], metadata: dict[str, object] | None = None) -> str:
    return json.dumps({"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5})


def _code(source: str) -> dict[str, object]:
    return {"cell_type": "code", "source": source.splitlines(keepends=True), "metadata": {}, "outputs": [],
            "execution_count": None}


def _tagged(kind: str, part: str, source: str) -> dict[str, object]:
    return {"cell_type": kind, "source": source, "metadata": {"tags": [f"answer:{part}"]}}


def _class(folder: Path, marker: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "ana.ipynb").write_text(_nb([
        _code("%pip install 'grader[notebook]'\nimport grader.notebook as gn\ngn.use(\"activation-derivatives\")"),
        _code('gn.check("sigmoid.a", "e^-x/(1+e^-x)")  # trying, not handed in'),
        _code('gn.answer("sigmoid.a", "σ(x)(1-σ(x))", student="ana")\n'
              'gn.answer("tanh.a", r"\\frac{4}{(e^x+e^{-x})^2}")'),
        _code('mine = "1-tanh(x)^2"\ngn.answer("tanh.b", mine)'),
    ]), encoding="utf-8")
    (folder / "ben.ipynb").write_text(_nb([
        _tagged("markdown", "sigmoid.a", "$\\sigma(x)\\,(1-\\sigma(x))$"),
        _tagged("raw", "relu.b.differentiable", "no\n"),
        _code("from grader.notebook import answer as a\na('relu.b.at_zero', '1/2')"),
    ], {"grader": {"student": "ben", "sheet": "activation-derivatives"}}), encoding="utf-8")
    (folder / "eve.ipynb").write_text(_nb([
        _code(f"import shutil, pathlib\npathlib.Path({str(marker)!r}).unlink()\nshutil.rmtree('/tmp/anything')"),
        _code("import grader.notebook as gn\ngn.answer('sigmoid.a', __import__('os').getcwd())"),
        _code("import grader.notebook as gn\ngn.answer('relu.a', '0 if x < 0 else 1')"),
    ]), encoding="utf-8")
    (folder / "zed.ipynb").write_text("this is not JSON {", encoding="utf-8")


def test_answers_from_calls_and_tagged_cells(tmp_path: Path) -> None:
    marker = tmp_path / "keep-me"
    marker.write_text("x")
    _class(tmp_path / "in", marker)
    ana = read(str(tmp_path / "in" / "ana.ipynb"))
    assert isinstance(ana, Submission) and ana.student == "ana" and ana.sheet == "activation-derivatives"
    assert ana.answers == {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "\\frac{4}{(e^x+e^{-x})^2}"}
    assert any("the answer to `tanh.b` is not a string literal" in n and "cell 4, line 2" in n for n in ana.notes)
    ben = read(str(tmp_path / "in" / "ben.ipynb"))
    assert isinstance(ben, Submission) and ben.student == "ben"
    assert ben.answers == {"sigmoid.a": "\\sigma(x)\\,(1-\\sigma(x))", "relu.b.differentiable": "no",
                           "relu.b.at_zero": "1/2"}
    eve = read(str(tmp_path / "in" / "eve.ipynb"))
    assert isinstance(eve, Submission) and eve.student == "eve" and eve.answers == {"relu.a": "0 if x < 0 else 1"}
    assert marker.exists()  # the notebook's code was never run
    zed = read(str(tmp_path / "in" / "zed.ipynb"))
    assert isinstance(zed, Unreadable) and zed.student == "zed"
    assert zed.reason == "not a notebook: invalid JSON at line 1, column 1: Expecting value"


def test_an_escape_eaten_by_a_python_string_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "s.ipynb").write_text(_nb([_code('import grader.notebook as gn\ngn.answer("tanh.a", "\\tanh(x)")')]))
    sub = read(str(tmp_path / "s.ipynb"))
    assert isinstance(sub, Submission) and sub.answers == {}
    assert sub.refused[0][0] == "tanh.a" and "raw string" in sub.refused[0][2]


def test_the_last_answer_counts_and_a_cell_that_is_not_python_is_reported() -> None:
    found = notebooks.read(_nb([
        _code("import grader.notebook as gn\ngn.answer('relu.a', '1')\n!ls\nx?"),
        _tagged("markdown", "relu.a", "Heaviside(x)"),
        _code("gn.answer('relu.a', 'oops'\n"),
        _code("%%bash\ngn.answer('relu.a', 'never')"),
    ]).encode())
    assert found.answers == {"relu.a": "Heaviside(x)"}
    assert found.notes == ["cell 3 is not Python (line 1): any gn.answer in it was not read",
                           "`relu.a` is answered 2 times; the last one counts (cell 2 (tagged answer:relu.a))"]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_class_of_notebooks_is_graded_like_yaml_files_and_a_rerun_is_the_same_bytes(tmp_path: Path) -> None:
    marker = tmp_path / "keep-me"
    marker.write_text("x")
    _class(tmp_path / "in", marker)
    outs = []
    for n in (1, 2):
        result = CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "-o", str(tmp_path / f"out{n}"),
                                          "--jobs", str(n)])
        assert result.exit_code == 1, result.output  # zed.ipynb is unreadable; the rest is graded
        outs.append({p.relative_to(tmp_path / f"out{n}").as_posix(): p.read_bytes()
                     for p in sorted((tmp_path / f"out{n}").rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]
    grades = next(v for k, v in outs[0].items() if k.endswith(".csv")).decode()
    for student in ("ana", "ben", "eve", "zed"):
        assert grades.count(f"{student},") >= 1, grades
    assert marker.exists()


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_gradescope_autograde_takes_a_notebook(tmp_path: Path) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "hw.ipynb").write_text(_nb([_code(
        'import grader.notebook as gn\ngn.answer("sigmoid.a", "σ(x)(1-σ(x))", student="s1")')]), encoding="utf-8")
    result = CliRunner().invoke(app, ["autograde", str(folder), "--sheet", "activation-derivatives",
                                      "--results", str(tmp_path / "results.json")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["score"] == 2


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_sheet_file_named_in_use_is_left_to_the_batchs_sheet(tmp_path: Path) -> None:
    """A student who worked on `gn.use("course/hw.yaml")` is graded against --sheet, not refused
    because a file name is not the sheet's id."""
    sheet = tmp_path / "hw.yaml"
    bundled = (Path(__file__).parents[2] / "exercises" / "activation-derivatives.yaml").read_text(encoding="utf-8")
    sheet.write_text(bundled.replace("id: activation-derivatives", "id: hw-3"), encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "s1.ipynb").write_text(_nb([_code(
        'import grader.notebook as gn\ngn.use("hw.yaml", student="s1")\ngn.answer("relu.a", "Heaviside(x)")')]))
    sub = read(str(tmp_path / "in" / "s1.ipynb"))
    assert isinstance(sub, Submission) and sub.sheet is None and sub.student == "s1"
    result = CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "--sheet", str(sheet), "-o", str(tmp_path / "out"),
                                      "--jobs", "1"])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader((tmp_path / "out" / "grades.csv").read_text(encoding="utf-8").splitlines())
    assert row["student"] == "s1" and row["relu.a"] == "2" and row["status"].startswith("missing")


def test_the_handouts_blank_answers_and_placeholder_id_give_way(tmp_path: Path) -> None:
    """Cold trial (issue 25): a tagged cell above the handout's blank `gn.answer("sigmoid.a", r"")` scored 0, and
    `student="dave"` in a call lost to the handout's `gn.use(..., student="your-student-id")`."""
    handout = [
        _code('import grader.notebook as gn\ngn.use("activation-derivatives", student="your-student-id")'),
        _tagged("markdown", "sigmoid.a", "σ(x)(1-σ(x))"),
        _code('gn.answer("sigmoid.a", r"")\ngn.answer("tanh.a", r"1 - tanh(x)^2", student="dave")'),
    ]
    found = notebooks.read(_nb(handout).encode())
    assert found.answers == {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2"}
    assert found.student == "dave"
    assert not any("answered" in note for note in found.notes)  # a blank call is not a second answer
