"""`grader grade --format feedback`: feedback/<student>.md for every student, once, with safe names,
each answer, its verdict and feedback, the worked solution of the student's variant; same bytes on a rerun."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.batch.reports.feedback import unique_names
from grader.cli import app


def _write(folder: Path, name: str, data: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def _class(folder: Path) -> None:
    sheet = "piecewise-activations"
    _write(folder, "a.json", {"student": "ana", "sheet": sheet, "seed": 4,
                              "answers": {"leaky_relu.a": "0.1 if x < 0 else 1"}})
    _write(folder, "b.json", {"student": "../Ben O'Neil", "sheet": sheet, "seed": 1,
                              "answers": {"leaky_relu.a": "0.1 if x < 0 else 1", "leaky_relu.b.left": "```"}})
    _write(folder, "c.json", {"student": "ANA", "sheet": sheet, "answers": {}})  # `ana` on a case-blind disk
    (folder / "d.json").write_text("{not json", encoding="utf-8")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_every_student_gets_one_file_with_answers_verdicts_and_solutions(tmp_path: Path) -> None:
    _class(tmp_path / "in")
    result = CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                      "--format", "feedback", "--jobs", "2"])
    assert result.exit_code == 1, result.output  # d.json is unreadable
    files = sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir())
    assert files == ["ANA.md", "_Ben_O_Neil.md", "ana-2.md", "d.md"]
    ana = (tmp_path / "out" / "feedback" / "ana-2.md").read_text(encoding="utf-8")
    assert "Your variant: leaky_relu: alpha=0.01" in ana
    assert "## `leaky_relu.a`: Not correct (0 / 2)" in ana and "0.1 if x < 0 else 1" in ana
    assert "Worked solution:" in ana and "{ 0.01 if x < 0; 1 if x > 0 }" in ana  # ana's own variant
    assert "$" not in ana.replace("$$", "")  # math as plain text, for a mail client
    ben = (tmp_path / "out" / "feedback" / "_Ben_O_Neil.md").read_text(encoding="utf-8")
    assert "## `leaky_relu.a`: Correct (2 / 2)" in ben
    assert "````\n```\n````" in ben  # a student's backticks cannot close the code block
    assert ben.count("the one-sided derivatives differ: f is") == 1  # leaky_relu.b's solution covers its 4 parts
    assert "Worked solution: see `leaky_relu.b.left` above." in ben
    unreadable = (tmp_path / "out" / "feedback" / "d.md").read_text(encoding="utf-8")
    assert "could not be read" in unreadable and "0 of" in unreadable


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_rerun_gives_the_same_bytes(tmp_path: Path) -> None:
    _class(tmp_path / "in")
    outs = []
    for n in (1, 2):
        CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "-o", str(tmp_path / f"out{n}"),
                                 "--format", "feedback", "--jobs", str(n)])
        folder = tmp_path / f"out{n}" / "feedback"
        outs.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert outs[0] == outs[1] and len(outs[0]) == 4


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_duplicate_ids_write_no_feedback_until_a_policy_is_chosen(tmp_path: Path) -> None:
    for name in ("x.json", "y.json"):
        _write(tmp_path / "in", name, {"student": "same", "answers": {"relu.a": "Heaviside(x)"}})
    result = CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                      "--format", "feedback", "--jobs", "1"])
    assert result.exit_code == 1 and not (tmp_path / "out" / "feedback").exists()
    result = CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                      "--format", "feedback", "--duplicates", "best", "--jobs", "1"])
    assert result.exit_code == 0 and [p.name for p in (tmp_path / "out" / "feedback").iterdir()] == ["same.md"]


def test_names_are_safe_and_distinct_ignoring_case() -> None:
    assert unique_names(["a/b", "a_b", "A_B", "..", "", "é"]) == ["a_b", "a_b-2", "A_B-3", "_", "_-2", "_-3"]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_rerun_with_fewer_students_leaves_no_old_per_student_file(tmp_path: Path) -> None:
    for student in ("ana", "ben", "cy"):
        _write(tmp_path / "in", f"{student}.json", {"student": student, "answers": {"relu.a": "Heaviside(x)"}})
    out = tmp_path / "out"
    listings = []
    for _ in range(2):  # the second run has one student fewer
        result = CliRunner().invoke(app, ["grade", str(tmp_path / "in"), "-o", str(out),
                                          "--format", "feedback,gradescope", "--jobs", "1"])
        assert result.exit_code == 0, result.output
        listings.append({p.relative_to(out).as_posix() for p in out.rglob("*")})
        (tmp_path / "in" / "cy.json").unlink(missing_ok=True)
    assert listings[0] - listings[1] == {"feedback/cy.md", "gradescope/cy", "gradescope/cy/results.json"}
    assert listings[1] - listings[0] == set()
