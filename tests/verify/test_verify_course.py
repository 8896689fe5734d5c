"""`grader verify` in an author's own course folder, where file names are not sheet ids: sheets and
worked solutions are matched by what they hold (`id:`, `sheet:`), a sheet is checked with its worked
solutions or says it has none, and plain `grader verify` checks the course folder it is run in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()

SHEET = """\
id: sq-loss
title: Squared loss
variables: [x, w, y]
questions:
  - id: loss
    title: The loss
    statement: $L = (w x - y)^2$.
    function: (w*x - y)^2
    parts:
      - id: a
        ask: Find $\\frac{\\partial L}{\\partial w}$.
        kind: expression
        answer: 2*x*(w*x - y)
        derivative: w
"""

SOLUTIONS = """\
sheet: sq-loss
solutions:
  loss.a:
    title: 'The partial in $w$'
    steps:
      - say: 'Let'
        define: {r: 'w x - y'}
        math: '\\frac{\\partial r}{\\partial w} = x'
      - say: 'so by the chain rule'
        math: '\\frac{\\partial}{\\partial w} r^2 = 2 r x'
    result: '\\frac{\\partial}{\\partial w} (w x - y)^2 = 2x(w x - y)'
"""
STEP_LINE = 8  # `\frac{\partial r}{\partial w} = x`


def course(root: Path, solutions: str = SOLUTIONS, *, folder: str = "solutions") -> Path:
    (root / "exercises").mkdir(parents=True)
    (root / "exercises" / "week-1.yaml").write_text(SHEET, encoding="utf-8")
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / "week-1-worked.yaml").write_text(solutions, encoding="utf-8")
    return root


def wrong(solutions: str = SOLUTIONS) -> str:
    return solutions.replace("\\partial w} = x'", "\\partial w} = w'")


def verify(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", [["exercises/", "solutions/"], ["solutions/", "exercises/"], ["."],
                                  ["exercises/week-1.yaml", "solutions/week-1-worked.yaml"]])
def test_file_names_need_not_be_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    # this failed with "the sheet `sq-loss` is neither in `exercises/` nor bundled"
    code, out, err = verify(course(tmp_path), monkeypatch, *args)
    assert (code, out) == (0, ""), out + err
    assert "1 sheet, 1 solutions file" in err
    course(tmp_path / "bad", wrong())
    code, out, _ = verify(tmp_path / "bad", monkeypatch, *args)
    assert code == 1 and out.startswith(f"solutions/week-1-worked.yaml:{STEP_LINE}:"), out
    assert len(out.splitlines()) == 1 and "does not hold" in out


def test_a_sheet_alone_is_checked_with_its_worked_solutions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `grader verify sheet.yaml` exited 0 without a word about worked solutions
    course(tmp_path, wrong())
    code, out, err = verify(tmp_path, monkeypatch, "exercises/week-1.yaml")
    assert code == 1 and out.startswith(f"solutions/week-1-worked.yaml:{STEP_LINE}:"), out
    assert "with the worked solutions found beside: solutions/week-1-worked.yaml" in err


def test_a_sheet_without_worked_solutions_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "week-1.yaml").write_text(SHEET, encoding="utf-8")
    code, out, err = verify(tmp_path, monkeypatch, "week-1.yaml")
    assert (code, out) == (0, "")
    assert "week-1.yaml:1:1: note: no worked solutions were checked for `sq-loss`" in err
    code, out, _ = verify(tmp_path, monkeypatch, "week-1.yaml", "--format", "github")
    assert out.startswith("::warning file=week-1.yaml,line=1,col=1::no worked solutions were checked")
    code, out, _ = verify(tmp_path, monkeypatch, "week-1.yaml", "--format", "json")
    data = json.loads(out)
    assert data["ok"] is True and "no worked solutions" in data["notes"][0]["message"]


@pytest.mark.parametrize("where", [".", "solutions", "exercises"])
def test_plain_verify_checks_the_course_folder_it_is_run_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            where: str) -> None:
    # it checked the bundled bank instead, and passed
    root = course(tmp_path / "my-course", wrong())
    code, out, err = verify(root / where, monkeypatch)
    assert code == 1 and f"week-1-worked.yaml:{STEP_LINE}:" in out, out + err
    assert f"checked the course folder {root.resolve()} (exercises/, solutions/)" in err
    assert "1 sheet, 1 solutions file" in err


def test_plain_verify_outside_a_course_folder_checks_the_bundled_sheets(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.verify.run import plan

    todo = plan([], cwd=tmp_path)
    assert "bundled" in todo.origin and {p.parent.name for p in todo.files} == {"exercises", "solutions"}


def test_a_solutions_file_is_known_by_its_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # outside solutions/ it was read as a sheet: 5 errors about missing `id`, `questions`, ...
    (tmp_path / "week-1.yaml").write_text(SHEET, encoding="utf-8")
    (tmp_path / "answers-worked.yaml").write_text(wrong(), encoding="utf-8")
    code, out, err = verify(tmp_path, monkeypatch, "week-1.yaml", "answers-worked.yaml")
    assert code == 1 and out.splitlines() == [line for line in out.splitlines()
                                              if line.startswith(f"answers-worked.yaml:{STEP_LINE}:")], out
    assert len(out.splitlines()) == 1
    # alone, its sheet is found beside it by id
    code, out, err = verify(tmp_path, monkeypatch, "answers-worked.yaml")
    assert code == 1 and out.startswith(f"answers-worked.yaml:{STEP_LINE}:"), out + err
    # and a sheet found beside it is checked with it
    code, out, err = verify(tmp_path, monkeypatch, "week-1.yaml")
    assert code == 1 and out.startswith(f"answers-worked.yaml:{STEP_LINE}:"), out + err


def test_a_solutions_file_whose_sheet_is_nowhere_says_what_to_do(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "worked.yaml").write_text(SOLUTIONS, encoding="utf-8")
    code, out, _ = verify(tmp_path, monkeypatch, "worked.yaml")
    assert code == 1 and out.startswith("worked.yaml:1:1: no sheet has `id: sq-loss`")
    assert "grader verify <sheet>.yaml worked.yaml" in out


def test_github_annotations_name_the_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    course(tmp_path, wrong())
    code, out, _ = verify(tmp_path, monkeypatch, "--format", "github")
    assert code == 1 and out.startswith(f"::error file=solutions/week-1-worked.yaml,line={STEP_LINE},col="), out


def test_two_sheets_with_one_id_are_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a sheet copied for next week with its id unchanged: its solutions silently went to the first one
    root = course(tmp_path)
    (root / "exercises" / "week-2.yaml").write_text(SHEET, encoding="utf-8")
    code, out, _ = verify(root, monkeypatch)
    assert code == 1 and out == ("exercises/week-2.yaml:1:1: `id: sq-loss` is also the id of exercises/week-1.yaml "
                                 "(each sheet needs its own id: solutions, answers and grades name it)\n"), out
