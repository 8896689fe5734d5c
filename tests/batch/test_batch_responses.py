"""A CSV of responses grades exactly as the equivalent YAML files do (issue 14, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.batch.grade import grade_paths
from grader.batch.model import Batch
from grader.batch.responses import parse_columns, read_responses
from grader.batch.submissions import Submission, Unreadable
from grader.core.errors import UsageError

DERIVATION = "e^(-x)/(1+e^(-x))^2\n= 1/(1+e^(-x)) * e^(-x)/(1+e^(-x))\n= σ(x)(1-σ(x))"
CLASS = {
    "s1": {"sigmoid.a": "σ(x)(1-σ(x))", "sigmoid.b": DERIVATION, "tanh.a": "\\frac{4}{(e^x+e^{-x})^2}"},
    "s2": {"sigmoid.a": "-σ(x)(1-σ(x))", "sigmoid.b": "x\n= \"y\"", "tanh.a": "1 + tanh(x)^2"},
    "s3": {"sigmoid.a": "sigma'(x)", "tanh.a": "1 - \\tanh(x)^2"},
}
ADDRESSES = ["sigmoid.a", "sigmoid.b", "tanh.a"]


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _excel_csv(path: Path) -> None:
    """As Excel's "CSV UTF-8" writes it: a BOM, CRLF rows, quoted cells with "" and line breaks, and
    the form's own headers (a timestamp and questions by number)."""
    lines = ["Timestamp,Student ID,Q1,Q2,Q3"]
    for i, (student, answers) in enumerate(CLASS.items()):
        cells = [f"2026-01-0{i + 1} 10:00", student, *(_cell(answers.get(a, "")) for a in ADDRESSES)]
        lines.append(",".join(cells).replace("\n", "\r\n"))
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")


def _outcome(batch: Batch) -> list[tuple[str, float, list[tuple[str, str, float]]]]:
    return [(r.student, r.total, [(a.address, a.status, a.points) for a in r.answers]) for r in batch.rows]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_csv_grades_the_same_as_the_yaml_files(tmp_path: Path) -> None:
    for student, answers in CLASS.items():
        (tmp_path / "yaml").mkdir(exist_ok=True)
        (tmp_path / "yaml" / f"{student}.yaml").write_text(yaml.safe_dump({"student": student, "answers": answers},
                                                                          allow_unicode=True), encoding="utf-8")
    _excel_csv(tmp_path / "responses.csv")
    from_yaml = grade_paths([str(tmp_path / "yaml")], jobs=2)
    from_csv = grade_paths([str(tmp_path / "responses.csv")], jobs=2,
                           columns=parse_columns("Q1=sigmoid.a, Q2=sigmoid.b, Q3=tanh.a"))
    assert _outcome(from_csv) == _outcome(from_yaml)
    assert [r.total for r in from_csv.rows] == [7.0, 0.0, 2.0]  # the derivation and LaTeX came through whole
    assert [r.file for r in from_csv.rows] == [f"{tmp_path}/responses.csv:{n}" for n in (2, 5, 7)]
    assert not any("columns ignored" in w for w in from_csv.warnings)  # Timestamp: when each row was handed in
    assert [r.when for r in from_csv.rows] == [f"2026-01-0{i} 10:00 (column `Timestamp`)" for i in (1, 2, 3)]


def test_headers_that_are_part_addresses_need_no_mapping(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("STUDENT;Sigmoid.A;notes\na;x;hello\n;y;\nb;;\n", encoding="utf-8")
    got = read_responses(str(tmp_path / "r.csv"), ADDRESSES)
    a, blank, b = got.rows
    assert isinstance(a, Submission) and a.answers == {"sigmoid.a": "x"} and a.student == "a"
    assert isinstance(blank, Unreadable) and blank.reason == "the student cell is empty" and blank.student == "r-3"
    assert isinstance(b, Submission) and b.answers == {}  # every answer blank: a row of 0, not a lost student
    assert got.ignored == ("notes",)


def test_a_csv_without_a_student_column_is_one_unreadable_row(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("name,sigmoid.a\na,x\n", encoding="utf-8")
    (row,) = read_responses(str(tmp_path / "r.csv"), ADDRESSES).rows
    assert isinstance(row, Unreadable) and "no student column" in row.reason and "--columns" in row.reason


def test_columns_must_name_headers_the_csv_has(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("student,Q1\na,x\n", encoding="utf-8")
    with pytest.raises(UsageError, match="`Q9`"):
        read_responses(str(tmp_path / "r.csv"), ADDRESSES, {"Q9": "sigmoid.a"})
    with pytest.raises(UsageError, match="HEADER=ADDRESS"):
        parse_columns("Q1")


# --- issue 21: a CSV whose headers are no part is an error, with the --columns that would map them ---


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_csv_whose_headers_are_no_part_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("Timestamp,Email Address,Q1 (sigmoid),Q2,Name\n"
                                    "2026-12-07 09:15,a@x.org,σ(x)(1-σ(x)),x,Ana\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        grade_paths([str(tmp_path / "r.csv")], jobs=1)
    err = caught.value
    assert "no column of `" in err.problem and "is a part of sheet `activation-derivatives`" in err.problem
    assert "Its headers: `Timestamp`, `Email Address`, `Q1 (sigmoid)`, `Q2`, `Name`" in err.problem
    assert "The parts: sigmoid.a, sigmoid.b, tanh.a" in err.problem
    assert "--columns 'Q1 (sigmoid)=sigmoid.a,Q2=sigmoid.b'" in err.fix  # in order; Name is no answer
    assert "give it with --sheet" in err.fix  # the default sheet: perhaps not the one the class answered
    mapped = grade_paths([str(tmp_path / "r.csv")], jobs=1, columns=parse_columns("Q1 (sigmoid)=sigmoid.a"))
    assert [(r.student, r.total) for r in mapped.rows] == [("a@x.org", 2.0)]


def test_no_part_column_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from grader.cli import app

    (tmp_path / "r.csv").write_text("student,Q1\na,x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["grade", str(tmp_path / "r.csv"), "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert "--columns Q1=sigmoid.a" in result.stderr


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_columns_that_map_to_no_part_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("Email,Q1\na,x\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        grade_paths([str(tmp_path / "r.csv")], jobs=1, columns=parse_columns("Q1=swish.a,Email=Student"))
    assert caught.value.problem == "--columns maps to no part of the sheet graded: `Q1=swish.a`"
    assert "the parts: sigmoid.a, sigmoid.b" in caught.value.fix and "give it with --sheet" in caught.value.fix
    graded = grade_paths([str(tmp_path / "r.csv")], jobs=1, columns=parse_columns("Q1=Sigmoid.A,Email=Student"))
    assert [(r.student, r.answers[0].status) for r in graded.rows] == [("a", "incorrect")]
