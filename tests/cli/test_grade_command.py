"""`grader grade`: exit statuses, --fail-under, grouping of wrong answers, sheet choice, atomic reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from grader.batch.grade import grade_paths
from grader.cli import app

RIGHT = {
    "sigmoid.a": "e^(-x)/(1+e^(-x))^2", "tanh.a": "sech(x)^2", "relu.a": "Heaviside(x)", "relu.b.left": "0",
    "relu.b.right": "1", "relu.b.differentiable": "no", "relu.b.at_zero": "0",
    "sigmoid.b": "e^(-x)/(1+e^(-x))^2\n= 1/(1+e^(-x)) * e^(-x)/(1+e^(-x))\n= σ(x)(1-σ(x))",
    "tanh.b": "4/(e^x+e^(-x))^2\n= sech(x)^2\n= 1 - tanh(x)^2",
}


def _write(folder: Path, name: str, student: str, answers: dict[str, str], sheet: str | None = None) -> None:
    data: dict[str, object] = {"student": student, "answers": answers}
    if sheet:
        data["sheet"] = sheet
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def _grade(*args: str) -> Result:
    return CliRunner().invoke(app, ["grade", *args, "--jobs", "2"])


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_exit_0_when_every_file_is_read(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    _write(tmp_path / "in", "b.json", "b", {"sigmoid.a": "x"})  # wrong and missing answers: still exit 0
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "full marks: 1 of 2" in result.stdout


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_exit_1_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    (tmp_path / "in" / "b.yaml").write_text("answers: [")
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "b.yaml: unreadable: invalid YAML" in result.stderr
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines()[1].startswith("a,")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nowhere/"], "no such file or folder"),
        (["EMPTY"], "no submission files"),
        pytest.param(["IN", "--sheet", "no-such-sheet"], "no sheet `no-such-sheet`: it is not bundled",
                     marks=pytest.mark.system),  # the files are read by batch's forked workers first
        (["IN", "--format", "excel"], "unknown format `excel`"),
        (["IN", "--fail-under", "120"], ""),
        (["IN", "--timeout", "0"], ""),
    ],
)
def test_exit_2_for_usage_and_sheet_errors(tmp_path: Path, args: list[str], words: str) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    (tmp_path / "empty").mkdir()
    args = [{"IN": str(tmp_path / "in"), "EMPTY": str(tmp_path / "empty")}.get(a, a) for a in args]
    result = _grade(*args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert words in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_exit_2_for_a_broken_sheet_file(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    (tmp_path / "sheet.yaml").write_text("id: broken\n")
    result = _grade(str(tmp_path / "in"), "--sheet", str(tmp_path / "sheet.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "sheet.yaml:" in result.stderr


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_fail_under(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    _write(tmp_path / "in", "b.json", "b", {**RIGHT, "tanh.a": "sech(x)"})  # 14 of 16 points: 87.5 %
    out = ["--out", str(tmp_path / "out")]
    assert _grade(str(tmp_path / "in"), *out, "--fail-under", "87.5").exit_code == 0
    below = _grade(str(tmp_path / "in"), *out, "--fail-under", "90")
    assert below.exit_code == 1
    assert "1 submission(s) below 90 %: b (87.5 %)" in below.stderr
    assert _grade(str(tmp_path / "in" / "a.json"), *out, "--fail-under", "100").exit_code == 0  # a student's CI


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_wrong_answers_are_grouped_by_equivalence(tmp_path: Path) -> None:
    forms = {
        "-e^(-x)/(1+e^(-x))^2": 3, "-exp(-x)*(1+exp(-x))^(-2)": 2, "-1/(4cosh(x/2)^2)": 1,  # the sign error
        "x^2": 2, "x*x": 1,  # no known mistake: grouped by the grader's own equivalence
        "x^2 + 10^(-30)": 1,  # equal to x^2 at 12 digits everywhere, but not equal: its own group
    }
    i = 0
    for text, count in forms.items():
        for _ in range(count):
            _write(tmp_path, f"s{i}.json", f"s{i}", {"sigmoid.a": text, "relu.b.differentiable": "Yes" if i else "yes"})
            i += 1
    batch = grade_paths([str(tmp_path)], jobs=2)
    groups = {g.forms[0][0]: g for g in batch.summaries[0].wrong}
    assert list(groups) == ["-e^(-x)/(1+e^(-x))^2", "x^2", "x^2 + 10^(-30)"]
    sign = groups["-e^(-x)/(1+e^(-x))^2"]
    assert sign.forms == (("-e^(-x)/(1+e^(-x))^2", 3), ("-exp(-x)*(1+exp(-x))^(-2)", 2), ("-1/(4cosh(x/2)^2)", 1))
    assert sign.count == 6 and sign.mistake.startswith("The sign is wrong.")
    assert groups["x^2"].forms == (("x^2", 2), ("x*x", 1)) and groups["x^2"].mistake == ""
    assert groups["x^2 + 10^(-30)"].count == 1
    choice = next(s for s in batch.summaries if s.address == "relu.b.differentiable")
    assert [(g.forms, g.count) for g in choice.wrong] == [((("Yes", 9), ("yes", 1)), 10)]  # one choice


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_the_sheet_a_submission_names(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT, sheet="activation-derivatives")
    _write(tmp_path / "in", "c.json", "c", RIGHT)  # no `sheet:`: counts for the default sheet
    _write(tmp_path / "in", "b.json", "b", RIGHT, sheet="another-sheet")
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "b.json: unreadable: the file answers sheet `another-sheet`, but this batch grades " \
           "`activation-derivatives` (the sheet most files answer: `activation-derivatives` (1 file), " \
           "`another-sheet` (1 file), 1 file naming no sheet (the default, `activation-derivatives`)); grade such " \
           "files apart with --sheet PATH (the file of sheet `another-sheet`: it is neither bundled nor in an " \
           "exercises/ folder)" in result.stderr


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_as_many_files_for_two_sheets_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "a", RIGHT, sheet="activation-derivatives")
    _write(tmp_path / "in", "b.json", "b", RIGHT, sheet="smooth-activations")
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "canvas")
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert "the files answer several sheets, as many files each: `activation-derivatives` (1 file), " \
           "`smooth-activations` (1 file)" in result.stderr
    assert "grader grade FILES --sheet activation-derivatives" in result.stderr


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_duplicate_students_are_graded_and_reported(tmp_path: Path) -> None:
    _write(tmp_path / "in", "a.json", "same", RIGHT)
    _write(tmp_path / "in", "b.json", "same", RIGHT)
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "gradescope,junit")
    assert result.exit_code == 1  # --duplicates error: no Gradescope files, which would hold one of two
    assert "warning: student `same` has 2 files" in result.stderr
    assert "not written: gradescope" in result.stderr
    assert not (tmp_path / "out" / "gradescope").exists() and (tmp_path / "out" / "junit.xml").exists()
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "gradescope", "--duplicates",
                    "best")
    assert result.exit_code == 0
    assert [p.parent.name for p in (tmp_path / "out" / "gradescope").glob("*/results.json")] == ["same"]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_reports_are_replaced_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that fails while writing leaves the previous reports whole and no temporary files."""
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    out = tmp_path / "out"
    assert _grade(str(tmp_path / "in"), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _write(tmp_path / "in", "b.json", "b", RIGHT)

    def broken(*args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("grader.batch.reports.write.summary_markdown", broken)
    result = _grade(str(tmp_path / "in"), "--out", str(out))
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_results_json_is_valid_and_sorted(tmp_path: Path) -> None:
    _write(tmp_path / "in", "b.json", "b", {"sigmoid.a": "sigma'(x)"})
    _write(tmp_path / "in", "a.json", "a", RIGHT)
    assert _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")).exit_code == 0
    text = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert [s["student"] for s in data["submissions"]] == ["a", "b"]
    wrong = data["submissions"][1]["answers"]["sigmoid.a"]
    assert (wrong["status"], wrong["answer"], wrong["points"]) == ("invalid", "sigma'(x)", 0.0)
    assert wrong["parse_error"]["caret"].endswith("^")
    assert data["submissions"][1]["answers"]["tanh.a"]["status"] == "missing"


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_grading_a_folder_twice_does_not_read_its_own_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "a.json", "a", RIGHT)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # the default --out is ./grades, inside the folder being graded
        result = _grade(".", "--format", "gradescope")
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "grades" / "grades.csv").read_text().count("\n") == 2
