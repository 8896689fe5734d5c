"""`grader grade --db class.sqlite`: a class that answered in the browser, graded as a batch.

The class answers through the web app (as students do, in class mode), then the export's reports are
compared byte for byte with batch grading the same answers written as files by hand, and its scores
with the best scores the server showed each student."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient
from typer.testing import CliRunner, Result

from grader.batch.answer_files import AnswerFile, file_text
from grader.batch.submissions import read
from grader.cli import app
from grader.serve import app as web
from grader.serve import classroom, export, pages
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "piecewise-activations"  # randomised: Leaky ReLU's slope is 0.1 for s01, 0.2 for s02
ROSTER = "student id,name\ns01,Ada\ns02,Émile\ns 03/x,Zoë\nS 03/x,Zeno\ns05,Bo\n"
# What each student sends, in order: (part, answer). s 03/x and S 03/x send nothing.
SENT = {
    "s01": [("leaky_relu.b.left", "0.2"), ("leaky_relu.b.left", "0.1"),  # wrong, then right: the right one
            ("leaky_relu.a", "{0.1 if x<0; 1 if x>0}"), ("leaky_relu.a", "1"),  # right, then refused: the part is over
            ("leaky_relu.b.right", "2"), ("leaky_relu.b.right", "3")],  # equal scores: the last
    "s02": [("leaky_relu.b.left", "0.1"),  # s01's right answer, wrong for s02's variant
            ("leaky_relu.a", "x: y")],  # unreadable, and nothing else: it is exported as it is
    "s05": [("leaky_relu.b.left", "(("), ("leaky_relu.b.left", "5"),  # unreadable, then wrong: the wrong one
            ("leaky_relu.b.right", "7"), ("leaky_relu.b.right", ")")],  # wrong, then unreadable: the wrong one
}
COUNTS = {
    "s01": {"leaky_relu.b.left": "0.1", "leaky_relu.a": "{0.1 if x<0; 1 if x>0}", "leaky_relu.b.right": "3"},
    "s02": {"leaky_relu.b.left": "0.1", "leaky_relu.a": "x: y"},
    "s05": {"leaky_relu.b.left": "5", "leaky_relu.b.right": "7"},
}
FILES = {"S 03/x": "S_03_x.yaml", "s 03/x": "s_03_x-2.yaml", "s01": "s01.yaml", "s02": "s02.yaml", "s05": "s05.yaml"}


def grade(*args: str) -> Result:
    return CliRunner().invoke(app, ["grade", *args, "--jobs", "1"])


@pytest.fixture(scope="module")
def class_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A class database filled through the web app, as the students would."""
    folder = tmp_path_factory.mktemp("class")
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    store = Store(folder / "class.sqlite")
    links = folder / "links.csv"
    classroom.enrol(store, classroom.read_roster(roster), links, "http://127.0.0.1:8000")
    tokens = {row["student_id"]: row["link"].rsplit("/", 1)[1] for row in csv.DictReader(links.open(encoding="utf-8"))}
    workers = Workers(jobs=1)
    try:
        server = web.create_app(pages.load_sheets([SHEET]), store, workers, web.Settings(class_mode=True))
        for student, answers in SENT.items():
            client = TestClient(server)
            assert client.get(f"/signin/{tokens[student]}").status_code == 200
            for part, text in answers:
                page = client.get(f"/sheets/{SHEET}/q/{part.split('.')[0]}")
                found = re.search(r'name="csrf" value="([^"]+)"', page.text)
                assert found
                form = {"csrf": found.group(1), "answer": text}
                reply = client.post(f"/sheets/{SHEET}/parts/{part}/answer", data=form)
                over = (student, part, text) == ("s01", "leaky_relu.a", "1")  # after a right answer: not graded
                assert reply.status_code == (409 if over else 200), reply.text
    finally:
        workers.close()
        store.close()
    yield folder / "class.sqlite"


def test_the_answer_that_counts_is_the_best_scored_the_last_of_equals_and_a_readable_one(class_db: Path) -> None:
    exported = {s.student: s.answers for s in export.class_answers(class_db, SHEET)}
    assert exported == {**COUNTS, "s 03/x": {}, "S 03/x": {}}
    assert export.sheet_ids(class_db) == [SHEET]


@pytest.mark.system  # grade --db grades with batch's worker pool: forks its worker processes
def test_grading_the_database_is_byte_identical_to_grading_the_same_answers_as_files(class_db: Path,
                                                                                     tmp_path: Path) -> None:
    out = tmp_path / "from-db"
    ran = grade("--db", str(class_db), "--out", str(out), "--format", "canvas,moodle,feedback")
    assert ran.exit_code == 0, ran.output
    assert sorted(p.name for p in (out / "answers").iterdir()) == sorted(FILES.values())
    reports = _files(out)
    first = (out / "answers" / "s01.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Ada (s01)'s answers in class.sqlite")
    # The same answers, handed in as files written by hand (another YAML style), at the same paths.
    for path in (out / "answers").iterdir():
        path.unlink()
    for student, name in FILES.items():
        body = {"student": student, "sheet": SHEET, "answers": COUNTS.get(student, {})}
        (out / "answers" / name).write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    again = tmp_path / "from-files"
    ran = grade(str(out / "answers"), "--out", str(again), "--format", "canvas,moodle,feedback")
    assert ran.exit_code == 0, ran.output
    by_hand = _files(again)
    # Only Canvas's `Student` column differs: the database knows the roster's names, files by hand do not.
    canvas = list(csv.reader(reports.pop("canvas.csv").decode().splitlines()))
    assert [row[0] for row in canvas[2:]] == ["Zeno", "Zoë", "Ada", "Émile", "Bo"]
    files = list(csv.reader(by_hand.pop("canvas.csv").decode().splitlines()))
    assert [row[1:] for row in canvas] == [row[1:] for row in files]
    assert by_hand == reports
    assert len(reports) > 5 and "feedback/s01.md" in reports


@pytest.mark.system  # grade --db grades with batch's worker pool: forks its worker processes
def test_each_student_is_exported_once_with_the_score_the_server_showed(class_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "grades"
    assert grade("--db", str(class_db), "--out", str(out)).exit_code == 0
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]
    assert sorted(r["student"] for r in rows) == sorted(FILES)
    graded = {(r["student"], address): a["points"] for r in rows for address, a in r["answers"].items()}
    with sqlite3.connect(class_db) as db:
        best = db.execute("SELECT s.roster_id, a.part, MAX(a.points) FROM attempts a JOIN students s"
                          " ON s.id = a.student_id GROUP BY s.roster_id, a.part").fetchall()
    assert len(best) == 7
    assert {(student, part): graded[(student, part)] for student, part, _ in best} == {
        (student, part): points for student, part, points in best}
    assert graded[("s01", "leaky_relu.b.left")] > 0 and graded[("s02", "leaky_relu.b.left")] == 0


@pytest.mark.system  # grade --db grades with batch's worker pool: forks its worker processes
def test_an_export_that_differs_from_what_the_server_showed_says_so(class_db: Path, tmp_path: Path) -> None:
    """Cold trial (issue 22): on a loaded machine the export's regrading timed out on a right answer and the
    Canvas file held 3 points where the browser showed 6, without a word. Now every difference is said."""
    changed = tmp_path / "changed.sqlite"
    changed.write_bytes(class_db.read_bytes())
    with sqlite3.connect(changed) as db:  # as if the server had shown more than grading the same text gives
        db.execute("UPDATE attempts SET points = 1 WHERE part = 'leaky_relu.b.right'")
    ran = grade("--db", str(changed), "--out", str(tmp_path / "g"))
    assert ran.exit_code == 1
    assert "s01 leaky_relu.b.right: the class server showed 1 points, this export gives 0 (incorrect)" in ran.output
    assert "check it by hand, or export again with a larger --timeout" in ran.output
    assert "the class server showed" not in grade("--db", str(class_db), "--out", str(tmp_path / "h")).output


def test_an_answer_the_server_could_not_check_in_time_is_no_answer(class_db: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow.sqlite"
    slow.write_bytes(class_db.read_bytes())
    result = json.dumps({"status": "invalid", "decided_by": "budget", "feedback": "too slow"})
    with sqlite3.connect(slow) as db:
        student = db.execute("SELECT id, seed FROM students WHERE roster_id = 's05'").fetchone()
        db.execute("INSERT INTO attempts (student_id, sheet_id, part, seed, variant, answer, status, score, points,"
                   " max_points, counted, feedback, result_json, created_at) VALUES (?, ?, 'leaky_relu.a', ?, '',"
                   " '{0.2 if x<0; 1 if x>0}', 'invalid', 0, 0, 2, 0, 'too slow', ?, '2026-01-01')",
                   (student[0], SHEET, student[1], result))
    exported = {s.student: s.answers for s in export.class_answers(slow, SHEET)}
    assert "leaky_relu.a" not in exported["s05"]  # never the answer to grade: it could score what the server never did


@pytest.mark.system  # grade --db grades with batch's worker pool: forks its worker processes
def test_a_rerun_gives_the_same_bytes(class_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "grades"
    assert grade("--db", str(class_db), "--out", str(out)).exit_code == 0
    first = _files(out, answers=True)
    (out / "answers" / "left-over.yaml").write_text("student: gone\nanswers: {}\n", encoding="utf-8")
    assert grade("--db", str(class_db), "--out", str(out)).exit_code == 0
    assert _files(out, answers=True) == first  # an earlier export's extra file is not graded again


@pytest.mark.system  # grade --db grades with batch's worker pool: forks its worker processes
def test_several_sheets_need_sheet_and_wrong_files_are_sentences(class_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "two.sqlite"
    other.write_bytes(class_db.read_bytes())
    with sqlite3.connect(other) as db:
        db.execute("UPDATE attempts SET sheet_id = 'activation-derivatives' WHERE part = 'leaky_relu.a'")
    ran = grade("--db", str(other), "--out", str(tmp_path / "g"))
    assert ran.exit_code == 2
    assert "answers to sheets piecewise-activations, activation-derivatives: choose the sheet" in ran.output
    assert grade("--db", str(other), "--sheet", SHEET, "--out", str(tmp_path / "g")).exit_code == 0

    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    assert "cannot read the database" in grade("--db", str(junk)).output
    assert "no such database" in grade("--db", str(tmp_path / "none.sqlite")).output
    practice = Store(tmp_path / "practice.sqlite")
    practice.close()
    ran = grade("--db", str(tmp_path / "practice.sqlite"), "--sheet", SHEET, "--out", str(tmp_path / "p"))
    assert ran.exit_code == 2 and "has no class students" in ran.output
    ran = grade(str(tmp_path), "--db", str(class_db))
    assert ran.exit_code == 2 and "not both" in ran.output
    assert "no submission files given" in grade().output


@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).filter(lambda t: t.strip()))
def test_every_answer_reads_back_as_the_text_exported(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("roundtrip") / "a.yaml"
    path.write_text(file_text("sheet", AnswerFile("s:1 #x", {"p.a": text}), "class.sqlite"), encoding="utf-8")
    sub = read(str(path))
    assert not hasattr(sub, "reason"), sub
    want = text.translate(str.maketrans({"\t": " ", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}))
    if want.strip() and not any(c in "\r\x00\x07\x08\x0b\x0c\x1b" for c in want):
        assert sub.answers == {"p.a": want} and sub.student == "s:1 #x"  # type: ignore[union-attr]


def _files(folder: Path, answers: bool = False) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and (answers or p.relative_to(folder).parts[0] != "answers")}


def test_a_class_copied_to_postgresql_exports_the_same_bytes(class_db: Path, tmp_path: Path, pg_url: str) -> None:
    before = class_db.read_bytes()
    copied = CliRunner().invoke(app, ["db", "copy", str(class_db), pg_url])
    assert copied.exit_code == 0, copied.output
    assert "every row compared" in copied.output and f"answers to {SHEET} read the same" in copied.output
    assert class_db.read_bytes() == before  # the file is left as it was
    runs, answers = {}, {}
    for name, where in (("file", str(class_db)), ("postgresql", pg_url)):
        out = tmp_path / "grades"  # the same folder for both: the reports name the files graded
        ran = grade("--db", where, "--out", str(out), "--format", "canvas,moodle,feedback")
        assert ran.exit_code == 0, ran.output
        runs[name] = _files(out)
        answers[name] = {p.name: p.read_text(encoding="utf-8").split("\n", 1)[1]  # line 1 names the database
                         for p in (out / "answers").iterdir()}
        shutil.rmtree(out)
    assert runs["file"] == runs["postgresql"] and len(runs["file"]) > 5
    assert answers["file"] == answers["postgresql"] and len(answers["file"]) == 5
    again = CliRunner().invoke(app, ["db", "copy", str(class_db), pg_url])
    assert again.exit_code == 2 and "already holds a class" in again.output


def test_db_check_and_upgrade_say_the_schema_version_and_the_counts(class_db: Path, pg_url: str) -> None:
    runner = CliRunner()
    fresh = runner.invoke(app, ["db", "check", pg_url])
    assert fresh.exit_code == 1 and "schema version 0" in fresh.output and "grader db upgrade" in fresh.output
    upgraded = runner.invoke(app, ["db", "upgrade", pg_url])
    assert upgraded.exit_code == 0 and "(was 0)" in upgraded.output, upgraded.output
    assert "(already)" in runner.invoke(app, ["db", "upgrade", pg_url]).output
    checked = runner.invoke(app, ["db", "check", str(class_db)])
    assert checked.exit_code == 0 and "(current)" in checked.output and "students: 6" in checked.output
    down = runner.invoke(app, ["db", "check", "postgresql://nobody@127.0.0.1:1/class"])
    assert down.exit_code == 2 and "cannot reach the database" in down.output and "Traceback" not in down.output
