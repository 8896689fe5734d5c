"""`grader grade --db` on a database that LMS courses launched into: each course is graded apart (an
LMS user in two courses is two students), by the LMS's user id; several classes and no `--course` is an
error that lists them, never one export mixing them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from fake_platform import FakePlatform
from lti_tool import SHEET, Lms
from starlette.testclient import TestClient
from typer.testing import CliRunner

from grader.cli import app
from grader.serve import pages
from grader.serve.store import Store
from grader.serve.workers import Workers

pytestmark = pytest.mark.system  # grade --db grades with batch's worker pool: forks its worker processes

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def answer(browser: TestClient, part: str, text: str) -> None:
    page = browser.get(f"/sheets/{SHEET}/q/{part.split('.')[0]}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    reply = browser.post(f"/sheets/{SHEET}/parts/{part}/answer", data={"csrf": csrf.group(1), "answer": text})
    assert reply.status_code == 200


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([SHEET])


def test_each_lms_course_is_graded_apart(class_db: str, loaded: dict[str, pages.Loaded], workers: Workers,
                                         tmp_path: Path) -> None:
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(tool="https://tool.test"))
    for sub, course, text in [("user-42", "Calculus 1", "σ(x)(1-σ(x))"), ("user-42", "Calculus 2", "σ(x)"),
                              ("user-77", "Calculus 2", "σ(x)(1-σ(x))")]:
        browser = lms.browser()
        context = {"id": course.lower().replace(" ", "-"), "title": course}
        assert lms.launch(client=browser, sub=sub, **{CLAIM + "context": context}).status_code == 303
        answer(browser, "sigmoid.a", text)
    mixed = CliRunner().invoke(app, ["grade", "--db", class_db, "--out", str(tmp_path / "all"), "--jobs", "1"])
    assert mixed.exit_code == 2 and "holds 2 classes" in mixed.output
    assert "--course 'Calculus 1' (Calculus 1, 1 student(s))" in mixed.output and not (tmp_path / "all").exists()
    done = CliRunner().invoke(app, ["grade", "--db", class_db, "--course", "calculus 2", "--out",
                                    str(tmp_path / "c2"), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "c2" / "grades.csv").open(encoding="utf-8"))}
    assert set(rows) == {"user-42", "user-77"}  # by the LMS's user id, this course's students only
    assert rows["user-42"]["sigmoid.a"] == "0" and rows["user-77"]["sigmoid.a"] == "2"
    unknown = CliRunner().invoke(app, ["grade", "--db", class_db, "--course", "Calculus 9", "--out",
                                       str(tmp_path / "c9"), "--jobs", "1"])
    assert unknown.exit_code == 2 and "no class of" in unknown.output and "Calculus 2" in unknown.output


def test_a_course_sheet_is_found_by_its_id_in_the_course_folder(class_db: str, workers: Workers, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    bundled = Path(__file__).resolve().parents[3] / "exercises" / f"{SHEET}.yaml"
    text = bundled.read_text(encoding="utf-8").replace(f"id: {SHEET}", "id: week-3", 1)
    (course / "exercises" / "w3.yaml").write_text(text, encoding="utf-8")
    loaded = pages.load_sheets([str(course / "exercises" / "w3.yaml")])
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(tool="https://tool.test"))
    lms.launch(**{CLAIM + "custom": {"sheet": "week-3"}})
    page = lms.client.get("/sheets/week-3/q/sigmoid")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    lms.client.post("/sheets/week-3/parts/sigmoid.a/answer", data={"csrf": csrf.group(1), "answer": "σ(x)"})
    monkeypatch.chdir(course)  # where the instructor keeps the sheets: no --sheet needed
    done = CliRunner().invoke(app, ["grade", "--db", class_db, "--out", str(tmp_path / "g"), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    assert "week-3" in (tmp_path / "g" / "summary.md").read_text(encoding="utf-8")
