"""A class of 300 with every defect of issue 14 mixed in: every student is in every export exactly
once, the exit status is as documented, and a rerun writes the same bytes."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from grader.cli import app

STUDENTS = [f"s{i:03d}" for i in range(300)]
RIGHT = {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2", "relu.a": "Heaviside(x)"}
WRONG = {"sigmoid.a": "-σ(x)(1-σ(x))", "tanh.a": "1 + tanh(x)^2", "relu.a": "x"}


def _yaml(student: str, answers: dict[str, str], extra: str = "") -> str:
    body = "".join(f"  {a}: '{t}'\n" for a, t in answers.items())
    return f"student: {student}\n{extra}answers:\n{body}"


def _make_class(folder: Path) -> dict[str, str]:
    """Writes the class; returns what each student's row must show in grades.csv's status."""
    folder.mkdir()
    expect: dict[str, str] = {}
    rows = [["Timestamp", "Student ID", "Q1", "Q2", "Q3"]]
    for i, student in enumerate(STUDENTS):
        answers = dict(RIGHT if i % 3 else WRONG)
        name = folder / f"{student}.yaml"
        if i >= 250:  # the last 50 answered a form: one CSV
            rows.append(["2026-01-01", student, *answers.values()])
            continue
        if i % 50 == 7:
            name.write_text(f"student: {student}\nsheet: smooth-activations\nanswers:\n  softplus.a: σ(x)\n")
            expect[student] = "answers sheet `smooth-activations`"
        elif i % 41 == 3:
            name.write_text(f"student: {student}\nanswers: [oops\n")
            expect[student] = "unreadable: invalid YAML"
        elif i % 23 == 5:
            text = _yaml(student, answers).replace("'1 - tanh(x)^2'", '"1 - \\tanh(x)^2"')
            text = text.replace("'1 + tanh(x)^2'", '"1 + \\tanh(x)^2"')
            name.write_text(text)
            expect[student] = "invalid: tanh.a"
        elif i % 19 == 2:
            name.write_text(_yaml(student, {**answers, "Sigmoid.C": "x"}, extra="name: Someone\n"))
            expect[student] = "unknown key `name` ignored"
        elif i % 29 == 4:
            name.write_text(_yaml(student, {**answers, "relu.a": "((x"}))
            expect[student] = "invalid: relu.a"
        else:
            name.write_text(_yaml(student, answers))
        if i % 37 == 1:  # a second, later file: --duplicates latest counts it
            late = folder / f"{student}-resubmitted.yaml"
            late.write_text(_yaml(student, RIGHT))
            os.utime(name, (1_700_000_000, 1_700_000_000))
            os.utime(late, (1_700_000_500, 1_700_000_500))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (folder / "form.csv").write_text(buffer.getvalue(), encoding="utf-8-sig")
    return expect


def _grade(folder: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(app, ["grade", str(folder), str(folder / "form.csv"), "--out", str(out), "--jobs", "2",
                                    "--columns", "Student ID=student,Q1=sigmoid.a,Q2=tanh.a,Q3=relu.a", *extra])


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.system  # three batches of 300 files with worker processes: ~4 s
def test_a_class_of_300_with_mixed_defects(tmp_path: Path) -> None:
    expect = _make_class(tmp_path / "class")
    formats = ["--format", "canvas,moodle,gradescope,junit,feedback"]
    first = _grade(tmp_path / "class", tmp_path / "a", *formats, "--duplicates", "latest")
    assert first.exit_code == 1, first.output  # some files cannot be read: the rest are graded, exit 1
    out = tmp_path / "a"
    grades = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8"))))
    duplicates = sum(1 for i in range(250) if i % 37 == 1)
    assert len(grades) == 300 + duplicates  # grades.csv: every file
    for student, words in expect.items():
        assert any(words in row["status"] for row in grades if row["student"] == student), (student, words)
    canvas = [row[2] for row in csv.reader(io.StringIO((out / "canvas.csv").read_text()))][2:]
    moodle = [row[0] for row in csv.reader(io.StringIO((out / "moodle.csv").read_text()))][1:]
    gradescope = sorted(p.parent.name for p in (out / "gradescope").glob("*/results.json"))
    feedback = sorted(p.stem for p in (out / "feedback").glob("*.md"))
    assert canvas == moodle == gradescope == feedback == STUDENTS  # everyone, once, in order
    junit = (out / "junit.xml").read_text()
    assert junit.count("<testsuite ") == 300 + duplicates
    for name in ("summary.md", "grades.csv", "results.json", "junit.xml", *(f"feedback/{s}.md" for s in STUDENTS)):
        text = (out / name).read_text(encoding="utf-8")
        assert not any(c in text for c in "\t\f\b\a\v\x1b"), name
    resubmitted = next(row for row in grades if row["file"].endswith("s001.yaml"))
    assert "not exported" in resubmitted["status"]
    assert json.loads((out / "gradescope" / "s001" / "results.json").read_text())["score"] == 6

    again = _grade(tmp_path / "class", tmp_path / "b", *formats, "--duplicates", "latest")
    assert again.exit_code == 1 and _tree(tmp_path / "b") == _tree(out)  # same input, same bytes

    refused = _grade(tmp_path / "class", tmp_path / "c", *formats)  # --duplicates error (the default)
    assert refused.exit_code == 1 and "s001" in refused.stderr
    assert not (tmp_path / "c" / "canvas.csv").exists() and (tmp_path / "c" / "grades.csv").exists()
    assert not (tmp_path / "c" / "feedback").exists()
