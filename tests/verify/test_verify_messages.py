"""`grader verify`'s messages point where the author must edit, once each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.verify.run import verify_paths

ROOT = Path(__file__).resolve().parents[2]


def copy(tmp: Path, name: str) -> tuple[Path, Path]:
    for folder in ("exercises", "solutions"):
        (tmp / folder).mkdir()
        shutil.copy(ROOT / folder / f"{name}.yaml", tmp / folder)
    return tmp / "exercises" / f"{name}.yaml", tmp / "solutions" / f"{name}.yaml"


def edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_sheet_that_fails_to_load_is_reported_once_with_its_solutions(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sheet, _ = copy(tmp_path, "backprop")
    line = edit(sheet, "\nid: backprop\n", "\nidd: backprop\n") + 1
    monkeypatch.chdir(tmp_path)
    for order in (["exercises", "solutions"], ["solutions", "exercises"]):
        texts = [p.text() for p in verify_paths(order)]
        assert texts.count(f"exercises/backprop.yaml:{line}:1: unknown key `idd` in the sheet "
                           "(did you mean `id`?)") == 1, texts
        assert len(texts) == len(set(texts)) == 3, texts  # idd unknown, id missing, the solutions' sheet
        assert all(not Path(t.split(":")[0]).is_absolute() for t in texts), texts
    # the solutions alone still say what is wrong with their sheet, at the sheet's lines
    alone = [p.text() for p in verify_paths(["solutions/backprop.yaml"])]
    assert any(t.startswith(f"exercises/backprop.yaml:{line}:1: unknown key `idd`") for t in alone), alone


def test_a_solutions_file_named_from_inside_its_folder_is_read_as_solutions(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    copy(tmp_path, "backprop")
    monkeypatch.chdir(tmp_path / "solutions")
    assert verify_paths(["backprop.yaml"]) == []


def test_a_wrong_number_answer_is_reported_at_the_sheet_not_at_the_correct_solution(tmp_path: Path) -> None:
    sheet, solutions = copy(tmp_path, "activation-derivatives")
    text = sheet.read_text(encoding="utf-8")
    right = text.index("- id: right")
    line = text[: text.index("answer: 1\n", right)].count("\n") + 1
    sheet.write_text(text[:right] + text[right:].replace("answer: 1\n", "answer: 2\n", 1), encoding="utf-8")
    problems = verify_paths([str(sheet), str(solutions)])
    assert [(p.path, p.line) for p in problems] == [(str(sheet), line)], [p.text() for p in problems]
    assert "`relu.b.right`" in problems[0].message and f"{solutions}:" in problems[0].message


def test_a_choice_parts_own_solution_is_told_where_it_can_be_checked(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """It said "the solution of `relu.b.differentiable` cannot be checked against `relu.b.differentiable`
    (give that part its own solution)": its own solution was what it had."""
    _, solutions = copy(tmp_path, "activation-derivatives")
    with solutions.open("a", encoding="utf-8") as out:
        out.write("  relu.b.differentiable:\n    steps:\n      - say: 'The one-sided slopes differ.'\n"
                  "        prose: true\n    result: 'ReLU(x) = x'\n")
    monkeypatch.chdir(tmp_path)
    texts = [p.text() for p in verify_paths(["exercises", "solutions"])]
    said = [t for t in texts if "relu.b.differentiable" in t and "choice part" in t]
    assert len(said) == 1, texts
    assert "a worked solution of its own cannot be checked for `relu.b.differentiable`" in said[0]
    assert "within a solution of the parts around it, `relu.b:`" in said[0]
    assert "give that part its own solution" not in said[0]


@pytest.mark.system  # its last check, with no course anywhere, verifies the whole bundled bank
def test_without_a_course_here_or_above_verify_finds_the_one_below_or_the_solutions_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`grader verify` at a repository's root whose course is in `course/`, or in a course whose last sheet
    was deleted, checked the bundled sheets instead and passed (exit 0) with the course's solutions wrong."""
    from grader.verify.run import verify_report

    course = tmp_path / "repo" / "course"
    course.mkdir(parents=True)
    sheet, solutions = copy(course, "activation-derivatives")
    edit(solutions, "result: '\\sigma''(x) = \\frac{e^{-x}}", "result: '\\sigma''(x) = \\frac{e^{x}}")
    monkeypatch.chdir(tmp_path / "repo")
    report = verify_report([])
    assert report.origin == f"the course folder {course.resolve()} (exercises/, solutions/)"
    assert any(p.path == "course/solutions/activation-derivatives.yaml" for p in report.problems), report.problems

    sheet.unlink()  # its last sheet deleted: the solutions name a sheet there is none of
    sheet.parent.rmdir()
    (solutions.parent / "mine.yaml").write_text(solutions.read_text(encoding="utf-8").replace(
        "sheet: activation-derivatives", "sheet: my-course-sheet"), encoding="utf-8")
    monkeypatch.chdir(course)
    report = verify_report([])
    assert report.origin == f"the course folder {course.resolve()} (solutions/)"
    assert any("my-course-sheet" in p.text() for p in report.problems), report.problems

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert verify_report([]).origin.startswith("the bundled sheets")
