"""Issue 21: grading a class that answered an author's own sheet (not a bundled one), with the messy
files of a first real class. The course folder is laid out as an author's repository is:

    course/exercises/my-sheet-file.yaml   (id: nn-derivs: the file name is not the id)
    course/subs/*.yaml                     (sheet: nn-derivs)
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from grader.batch.grade import grade_paths
from grader.cli import app

SHEET = """\
id: nn-derivs
title: My NN sheet
variables: [w, x, y]
definitions:
  - name: sigma
    aliases: [sigmoid, σ]
    params: [t]
    body: 1/(1 + e^(-t))
questions:
  - id: scale
    title: Scaled sigmoid (randomised β)
    statement: |
      Let $f(x) = \\sigma({beta}x)$ with $\\beta = {beta}$.
    parameters:
      beta: [1, 2, 3]
    function: sigma(beta*x)
    parts:
      - id: a
        ask: Find $f'(x)$ for $\\beta = {beta}$.
        kind: expression
        answer: beta*sigma(beta*x)*(1 - sigma(beta*x))
        derivative: x
  - id: loss
    title: Squared loss
    statement: $L = (w x - y)^2$.
    function: (w*x - y)^2
    parts:
      - id: w
        ask: Find $\\frac{\\partial L}{\\partial w}$.
        kind: expression
        answer: 2*x*(w*x - y)
        derivative: w
      - id: y
        ask: Find $\\frac{\\partial L}{\\partial y}$.
        kind: expression
        answer: -2*(w*x - y)
        derivative: y
"""
RIGHT = {"loss.w": "2x(wx - y)", "loss.y": "-2(wx - y)"}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    (root / "exercises").mkdir(parents=True)
    (root / "exercises" / "my-sheet-file.yaml").write_text(SHEET, encoding="utf-8")
    return root


def _sub(folder: Path, name: str, data: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _class(course: Path) -> Path:
    subs = course / "subs"
    for student in ("s1", "s2", "s3"):
        _sub(subs, f"{student}.json", {"student": student, "sheet": "nn-derivs", "answers": RIGHT})
    return subs


def _grade(*args: str) -> Result:
    return CliRunner().invoke(app, ["grade", *args, "--jobs", "2"])


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- defect 2: the sheet the files name is found in the course's exercises/ -----------------------


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_the_sheet_is_found_by_id_above_the_submissions(course: Path, tmp_path: Path) -> None:
    """Graded from outside the course folder: the submissions' parent folder holds exercises/."""
    batch = grade_paths([str(_class(course))], jobs=2)
    assert batch.sheet_id == "nn-derivs" and not batch.unreadable
    assert all(r.total == 2 for r in batch.rows)
    assert batch.sheet_source.endswith("exercises/my-sheet-file.yaml")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_the_sheet_is_found_from_the_course_folder(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subs = _class(course)
    elsewhere = course.parent / "elsewhere"
    elsewhere.mkdir()
    for sub in subs.iterdir():
        sub.rename(elsewhere / sub.name)
    monkeypatch.chdir(course)
    result = _grade(str(elsewhere), "--out", "grades", "--format", "canvas")
    assert result.exit_code == 0, result.output
    assert "Sheet `nn-derivs` (from `exercises/my-sheet-file.yaml`)" in result.stdout
    assert [row[-1] for row in _csv(course / "grades" / "canvas.csv")[2:]] == ["2", "2", "2"]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_sheet_that_cannot_be_found_is_an_error_with_a_fix_that_works(course: Path, tmp_path: Path) -> None:
    subs = _class(course)
    (course / "exercises" / "my-sheet-file.yaml").rename(tmp_path / "moved.yaml")
    out = tmp_path / "out"
    result = _grade(str(subs), "--out", str(out), "--format", "canvas,moodle")
    assert result.exit_code == 2
    assert not out.exists()  # never LMS files with everyone at 0
    assert "the files answer sheet `nn-derivs`, which cannot be found: it is not bundled" in result.stderr
    assert "give the file that holds it with --sheet" in result.stderr
    assert "do not all name one sheet" not in result.stderr
    fixed = _grade(str(subs), "--out", str(out), "--format", "canvas", "--sheet", str(tmp_path / "moved.yaml"))
    assert fixed.exit_code == 0, fixed.output
    assert [row[-1] for row in _csv(out / "canvas.csv")[2:]] == ["2", "2", "2"]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_sheet_given_by_its_id_is_found_in_the_course(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subs = _class(course)
    monkeypatch.chdir(course)
    result = _grade("subs", "--sheet", "nn-derivs", "--out", "grades")
    assert result.exit_code == 0, result.output
    assert "Sheet `nn-derivs`" in result.stdout and "Mean score: 2.00 / 3" in result.stdout and subs.is_dir()


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_file_naming_another_sheet_is_told_a_working_command(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subs = _class(course)
    (course / "exercises" / "other.yaml").write_text(SHEET.replace("id: nn-derivs", "id: hw2"), encoding="utf-8")
    _sub(subs, "z.json", {"student": "z", "sheet": "hw2", "answers": RIGHT})
    monkeypatch.chdir(course)
    batch = grade_paths(["subs"], jobs=2)
    (z,) = [r for r in batch.rows if r.student == "z"]
    assert "the sheet most files answer" in z.unreadable
    assert z.unreadable.endswith("grade such files apart with --sheet exercises/other.yaml")
    assert grade_paths(["subs/z.json"], sheet="exercises/other.yaml", jobs=1).rows[0].total == 2


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_sheet_no_file_answers_is_an_error(course: Path, tmp_path: Path) -> None:
    subs = _class(course)
    result = _grade(str(subs), "--sheet", "activation-derivatives", "--out", str(tmp_path / "out"),
                    "--format", "canvas")
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert "no file answers sheet `activation-derivatives` (given with --sheet): the files answer `nn-derivs` " \
           "(3 files)" in result.stderr
    assert "--sheet " in result.stderr and "exercises/my-sheet-file.yaml" in result.stderr


# --- --duplicates latest: the submission's own time, and which time was used ---------------------


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_latest_uses_the_submissions_own_time(course: Path, tmp_path: Path) -> None:
    import os

    subs = course / "subs"
    old = _sub(subs, "s1.json", {"student": "s1", "sheet": "nn-derivs", "answers": {"loss.w": "x"}})
    os.utime(old, (1_577_836_800, 1_577_836_800))  # touched in 2020, but handed in today (below)
    said = _sub(subs, "s2.json", {"student": "s2", "sheet": "nn-derivs", "submitted": "2026-12-01 10:00",
                                  "answers": RIGHT})
    _sub(subs, "s2-late.json", {"student": "s2", "sheet": "nn-derivs", "submitted": "2026-12-02 08:00",
                                "answers": {"loss.w": "x"}})
    os.utime(said, (1_900_000_000, 1_900_000_000))  # modified after the other, but handed in before it
    csv_file = course / "responses.csv"
    csv_file.write_text("Timestamp,Email,loss.w,loss.y\n2026-12-07 09:15,s1,2x(wx - y),-2(wx - y)\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _grade(str(subs), str(csv_file), "--out", str(out), "--format", "moodle", "--duplicates", "latest")
    assert result.exit_code == 0, result.output
    assert [row[:2] for row in _csv(out / "moodle.csv")[1:]] == [["s1", "2"], ["s2", "0"]]
    header, *rows = _csv(out / "grades.csv")
    status = {row[1].rsplit("/", 1)[-1]: row[header.index("status")] for row in rows}
    assert status["s1.json"].endswith("not exported: " + str(csv_file) + ":2 counts for this student (handed in "
                                      "later: 2026-12-07 09:15 (column `Timestamp`), this one 2020-01-01 00:00:00 UTC "
                                      "(file modification time))")
    assert status["s2.json"].endswith("(handed in later: 2026-12-02 08:00 (`submitted:`), this one 2026-12-01 10:00 "
                                      "(`submitted:`))")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_csv_without_a_time_column_is_as_new_as_its_file(course: Path, tmp_path: Path) -> None:
    import os

    subs = course / "subs"
    old = _sub(subs, "s1.json", {"student": "s1", "sheet": "nn-derivs", "answers": {"loss.w": "x"}})
    os.utime(old, (1_577_836_800, 1_577_836_800))
    (course / "r.csv").write_text("student,loss.w\ns1,2x(wx - y)\n", encoding="utf-8")
    batch = grade_paths([str(subs), str(course / "r.csv")], jobs=1)
    from grader.batch.duplicates import choose

    (kept,) = choose(batch.rows, "latest").rows
    assert kept.file.endswith("r.csv:2") and kept.total == 1


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_submitted_time_that_cannot_be_read_is_a_note(course: Path) -> None:
    _sub(course / "subs", "s1.json", {"student": "s1", "sheet": "nn-derivs", "submitted": "last Tuesday",
                                      "answers": RIGHT})
    (row,) = grade_paths([str(course / "subs")], jobs=1).rows
    assert row.submitted is None and row.total == 2
    assert "`submitted: last Tuesday` is not a date and time read here" in row.status


# --- ids that are not ids: no `student:`, or the template's placeholder --------------------------


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_the_templates_placeholder_is_not_a_student_id(course: Path, tmp_path: Path) -> None:
    subs = course / "subs"
    (subs).mkdir()
    for name in ("ana.yaml", "ben.yaml"):  # two students who both left the placeholder in
        (subs / name).write_text("student: 'your-student-id'\nsheet: nn-derivs\nanswers:\n  loss.w: '2x(wx - y)'\n",
                                 encoding="utf-8")
    out = tmp_path / "out"
    result = _grade(str(subs), "--out", str(out), "--format", "canvas")
    assert result.exit_code == 0, result.output  # not a "duplicate": the LMS file is written
    assert "has 2 files" not in result.stderr
    assert [row[2] for row in _csv(out / "canvas.csv")[2:]] == ["ana", "ben"]
    assert result.stderr.count("`student: your-student-id` is the template's placeholder, not an id: its file name "
                               "is its id in every report and LMS file") == 2
    assert "Files whose student id is their file name (no `student:`, or the template's placeholder): 2" \
        in result.stdout


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_file_without_student_is_told_its_id_and_variants_come_from_its_name(course: Path) -> None:
    subs = course / "subs"
    _sub(subs, "Ana Lopez - s1023 - homework3.json", {"sheet": "nn-derivs", "answers": RIGHT})
    _sub(subs, "s2.json", {"sheet": "nn-derivs", "seed": 7, "answers": RIGHT})  # a seed: variants are its own
    batch = grade_paths([str(subs)], jobs=1)
    ana, s2 = batch.rows
    assert ana.student == "Ana Lopez - s1023 - homework3" and ana.named_by == "file"
    assert "no `student:` in the file: its file name is its id in every report and LMS file, and picks its " \
           "variants of the randomised questions (perhaps not those the student answered)" in ana.status
    assert "no `student:`" in s2.status and "variants" not in s2.status
    assert any(w.startswith(f"{ana.file} (student `{ana.student}`): no `student:`") for w in batch.warnings)


# --- printed commands work as printed; a blank template shows no one variant as everyone's -------


def _commands(text: str, start: str) -> list[list[str]]:
    import shlex

    return [shlex.split(line.split(start, 1)[1]) for line in text.splitlines() if start in line]


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_the_commands_a_template_prints_work_for_a_sheet_file(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(course)
    made = CliRunner().invoke(app, ["template", "exercises/my-sheet-file.yaml"])
    assert made.exit_code == 0, made.output
    (check,) = _commands(made.stdout, "# Check it before you hand it in: grader ")
    (own,) = _commands(made.stdout, "#   grader ")
    assert check == ["grade", "THIS-FILE", "--sheet", "exercises/my-sheet-file.yaml"]
    mine = CliRunner().invoke(app, [a.replace("YOUR-ID", "s1") for a in own])
    assert mine.exit_code == 0, mine.output
    filled = mine.stdout.replace("student: 's1'", "student: 's1'").replace("loss.w: ''", "loss.w: '2x(wx - y)'")
    Path("s1.yaml").write_text(filled, encoding="utf-8")
    graded = CliRunner().invoke(app, [a.replace("THIS-FILE", "s1.yaml") for a in check] + ["-o", "g", "-j", "1"])
    assert graded.exit_code == 0, graded.output
    assert "Mean score: 1.00 / 3" in graded.stdout


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_practice_save_prints_a_command_that_works(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(course)
    done = CliRunner().invoke(app, ["practice", "exercises/my-sheet-file.yaml", "--question", "loss.w", "--student",
                                    "s1", "--save", "mine.yaml", "--no-color"], input="2x(wx - y)\n")
    assert done.exit_code == 0, done.output
    (command,) = _commands(Path("mine.yaml").read_text(encoding="utf-8"), "# Grade it with: grader ")
    assert command == ["grade", "THIS-FILE", "--sheet", "exercises/my-sheet-file.yaml"]
    graded = CliRunner().invoke(app, [a.replace("THIS-FILE", "mine.yaml") for a in command] + ["-o", "g", "-j", "1"])
    assert graded.exit_code == 0, graded.output


def test_a_blank_template_of_a_randomised_sheet_shows_no_variants_values(course: Path) -> None:
    sheet = str(course / "exercises" / "my-sheet-file.yaml")
    blank = CliRunner().invoke(app, ["template", sheet])
    assert blank.exit_code == 0
    statement = next(line for line in blank.stdout.splitlines() if "Let f(x)" in line)
    assert statement == "  # Let f(x) = σ(⟨beta⟩x) with β = ⟨beta⟩."  # not the first variant's β = 1
    assert "  # scale.a (1 point): Find f'(x) for β = ⟨beta⟩." in blank.stdout
    assert "# Randomised: the values of beta (1, 2 or 3) in scale differ per student: here they are ⟨beta⟩." \
        in blank.stdout
    assert "a randomised sheet" in blank.stderr and "--student ID" in blank.stderr
    from grader.sheets.variants import index_for, seed_for_student

    beta = [1, 2, 3][index_for(seed_for_student("s1"), "nn-derivs", "scale", 3)]
    own = CliRunner().invoke(app, ["template", sheet, "--student", "s1"])
    assert f"  # Let f(x) = σ({beta}x) with β = {beta}." in own.stdout and "⟨" not in own.stdout
    assert own.stderr == ""


# --- feedback keeps a chain's `=`; summary.md counts only the files that count -----------------


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_feedback_writes_a_chain_with_its_equals_signs(tmp_path: Path) -> None:
    _sub(tmp_path / "in", "a.json", {"student": "a", "answers": {"sigmoid.a": "x"}})
    out = tmp_path / "out"
    assert _grade(str(tmp_path / "in"), "--out", str(out), "--format", "feedback").exit_code == 0
    text = (out / "feedback" / "a.md").read_text(encoding="utf-8")
    chain = text.split("Therefore,", 1)[1].split("So,", 1)[0].splitlines()
    assert [line[:6] for line in chain if line] == ["    d/", "    = ", "    = "]  # d/dx σ(x) = -u⁻²·(-e⁻ˣ) = ...


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_summary_figures_count_only_the_file_each_student_counts(tmp_path: Path) -> None:
    import os

    right = {"sigmoid.a": "σ(x)(1-σ(x))"}
    _sub(tmp_path / "in", "a.json", {"student": "a", "answers": right})
    old = _sub(tmp_path / "in", "b-old.json", {"student": "b", "answers": right})
    os.utime(old, (1_600_000_000, 1_600_000_000))
    _sub(tmp_path / "in", "b-new.json", {"student": "b", "answers": {"sigmoid.a": "x"}})
    out = tmp_path / "out"
    result = _grade(str(tmp_path / "in"), "--out", str(out), "--duplicates", "latest")
    assert result.exit_code == 0, result.output
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "- Files: 3; graded: 3; unreadable: 0." in summary
    assert "- Not counted: 1 file of students who handed in several" in summary
    assert "- Mean score: 1.00 / 16 (6.2 %); full marks: 0 of 2." in summary  # not 4/3 over 3 files
    assert "| `sigmoid.a` | 2 | 1.00 | 1 | 1 | 0 | 0 | 0 |" in summary  # b's old file is not a second correct
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["summary"]["not_counted"] == [f"{tmp_path}/in/b-old.json"]


# --- files that do not parse: what to change, in words, and the rest graded where that is safe -----


def _yaml_file(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_file_indented_with_tabs_is_read_and_told_to_use_spaces(tmp_path: Path) -> None:
    _yaml_file(tmp_path, "a.yaml", "student: a\nanswers:\n\tsigmoid.a: 'σ(x)(1-σ(x))'\n\tsigmoid.b: |-\n"
                                   "\t\te^(-x)/(1+e^(-x))^2\n\t\t= 1/(1+e^(-x)) * e^(-x)/(1+e^(-x))\n"
                                   "\t\t= σ(x)(1-σ(x))\n\ttanh.a: 'x'\n")
    (row,) = grade_paths([str(tmp_path)], jobs=1).rows
    assert row.readable and [a.status for a in row.answers[:3]] == ["correct", "correct", "incorrect"]
    assert "the file is indented with tabs: it was read as if indented with spaces, one level a tab; indent with " \
           "spaces (YAML allows no tabs there)" in row.status


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_tabs_mixed_with_spaces_are_not_guessed_at(tmp_path: Path) -> None:
    _yaml_file(tmp_path, "a.yaml", "student: a\nanswers:\n  sigmoid.a: 'x'\n\ttanh.a: 'x'\n")
    (row,) = grade_paths([str(tmp_path)], jobs=1).rows
    assert row.unreadable == "invalid YAML at line 4, column 1: line 4 is indented with a tab: indent with spaces " \
                             "(YAML allows no tabs there)"


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_latex_in_double_quotes_costs_only_its_answer(tmp_path: Path) -> None:
    _yaml_file(tmp_path, "a.yaml", 'student: a\nanswers:\n  sigmoid.a: "\\sigma(x)(1-\\sigma(x))"\n'
                                   "  tanh.a: 'sech(x)^2'\n  relu.a: \"\\xi\"  # two broken lines\n")
    batch = grade_paths([str(tmp_path)], jobs=1)
    (row,) = batch.rows
    got = {a.address: a for a in row.answers}
    assert got["tanh.a"].status == "correct" and row.total == 2
    for address, text, escape in (("sigmoid.a", '"\\sigma(x)(1-\\sigma(x))"', "`\\s`"), ("relu.a", '"\\xi"', "`\\x`")):
        assert got[address].status == "invalid" and got[address].text == text
        assert got[address].error == ("This answer is in double quotes, where a backslash starts a YAML escape, and "
                                      f"{escape} is none, so it could not be read: use single quotes for LaTeX "
                                      "('\\sigma(x)') or a block (|-)")
    assert any("part `sigmoid.a`: This answer is in double quotes" in w for w in batch.warnings)


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_what_cannot_be_repaired_safely_is_unreadable_in_words(tmp_path: Path) -> None:
    _yaml_file(tmp_path, "a.yaml", 'student: "\\sigma"\nanswers:\n  tanh.a: x\n')  # the id: never guessed
    _yaml_file(tmp_path, "b.yaml", 'student: b\nanswers:\n  tanh.a: "sech(x)^2 +\n    \\sigma"\n')  # two lines
    a, b = grade_paths([str(tmp_path)], jobs=1).rows
    assert a.unreadable.startswith("invalid YAML: `student` is in double quotes with a backslash")
    assert b.unreadable.startswith("invalid YAML at line 4, column ")  # the column is the YAML library's
    assert b.unreadable.endswith(": line 4: `\\s` in double quotes is a YAML escape, and not one YAML knows: use "
                                 "single quotes for LaTeX ('\\sigma(x)'), or a block (|-)")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_wrong_answer_right_for_another_variant_is_reported(course: Path) -> None:
    """Students who answered the first variant's question (a blank template showed it) are not marked
    wrong silently: the answer scores 0 for their own variant, and a note says which variant it fits."""
    from grader.sheets.variants import index_for, seed_for_student

    def beta(student: str) -> int:
        return [1, 2, 3][index_for(seed_for_student(student), "nn-derivs", "scale", 3)]

    others = [s for s in (f"s{i}" for i in range(20)) if beta(s) != 1][:2]
    for student in others:
        _sub(course / "subs", f"{student}.json", {"student": student, "sheet": "nn-derivs",
                                                  "answers": {"scale.a": "σ(x)(1-σ(x))", "loss.w": "x"}})
    batch = grade_paths([str(course / "subs")], jobs=2)
    for row in batch.rows:
        assert row.total == 0
        assert (f"`scale.a` is wrong for beta={beta(row.student)}, the variant graded, but right for beta=1: another "
                "variant's question was answered") in row.status
        assert "`loss.w`" not in row.status  # not randomised: nothing to recheck


# --- docs/authoring.md, section 7: its commands, run in a course folder -------------------------


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_the_authoring_guides_grading_commands_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import shlex

    root = Path(__file__).resolve().parents[2]
    guide = (root / "docs" / "authoring.md").read_text(encoding="utf-8")
    sheet = "".join(re.findall(r"```yaml sheet\n(.*?)```", guide, flags=re.S))
    (commands,) = re.findall(r"```bash grade\n(.*?)```", guide, flags=re.S)
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    (course / "exercises" / "neuron.yaml").write_text(sheet, encoding="utf-8")
    monkeypatch.chdir(course)
    template, grade = (shlex.split(line)[1:] for line in commands.strip().splitlines())
    made = CliRunner().invoke(app, template)
    assert made.exit_code == 0, made.output
    (course / "submissions").mkdir()
    Path("s1234.yaml").rename(course / "submissions" / "s1234.yaml")
    graded = CliRunner().invoke(app, [*grade, "-j", "1"])
    assert graded.exit_code == 0, graded.output
    assert "Sheet `neuron`" in graded.stdout and (course / "grades" / "canvas.csv").is_file()
    assert (course / "grades" / "feedback" / "s1234.md").is_file()


def test_the_readmes_submission_example_reads_with_its_time(tmp_path: Path) -> None:
    import re

    from grader.batch.submissions import Submission, read

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Batch grading: `grader grade`", 1)[1]
    example = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)[0]
    (tmp_path / "s.yaml").write_text(example, encoding="utf-8")
    got = read(str(tmp_path / "s.yaml"))
    assert isinstance(got, Submission) and got.notes == () and got.student == "s1234567"
    assert got.when == "2026-12-07 09:15 (`submitted:`)" and got.submitted is not None


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_file_for_another_sheet_never_counts_over_a_students_answer(course: Path, tmp_path: Path) -> None:
    import os

    subs = _class(course)
    os.utime(subs / "s1.json", (1_577_836_800, 1_577_836_800))  # older than the stray file below
    _sub(subs, "s1-other.json", {"student": "s1", "sheet": "activation-derivatives", "answers": {"tanh.a": "x"}})
    for policy in ("latest", "best"):
        out = tmp_path / policy
        result = _grade(str(subs), "--out", str(out), "--format", "moodle", "--duplicates", policy)
        assert result.exit_code == 1  # the stray file is unreadable
        assert [row[:2] for row in _csv(out / "moodle.csv")[1:]] == [["s1", "2"], ["s2", "2"], ["s3", "2"]]
        assert "not exported: " in (out / "grades.csv").read_text(encoding="utf-8")
        assert "(this file answers another sheet)" in (out / "grades.csv").read_text(encoding="utf-8")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_latex_in_a_json_string_is_told_to_double_its_backslashes(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"student": "a", "answers": {"sigmoid.a": "\\sigma(x)"}}', encoding="utf-8")
    (row,) = grade_paths([str(tmp_path)], jobs=1).rows
    assert row.unreadable.endswith("Invalid \\escape: a backslash in a JSON string starts an escape, so LaTeX needs "
                                   'each one twice ("\\\\sigma(x)")')
