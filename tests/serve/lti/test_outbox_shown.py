"""What the instructor and the operator see of the scores to the LMS: the instructor page's section
(waiting, refused with the LMS's words) and `grader lti resend` (list, due now, --failed)."""

from __future__ import annotations

import csv
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from fake_ags import CLIENT_ID, ISSUER, TOKEN_URL, lineitem_url
from starlette.testclient import TestClient
from typer.testing import CliRunner

from grader.cli import app
from grader.serve import app as web
from grader.serve import classroom, pages
from grader.serve.lti import outbox
from grader.serve.lti.ags import Outcome, ScoreTarget
from grader.serve.store import Store
from grader.serve.workers import Workers

TARGET = ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, lineitem_url(1))
runner = CliRunner()


def queued(store: Store) -> None:
    """u1's score sent, u2's refused by the LMS, u3's waiting after the LMS was down."""
    for user, given in (("u1", 4), ("u2", 7), ("u3", 2.5)):
        outbox.enqueue(store, TARGET, user, given, 10, datetime.now(UTC))
    now = time.time()
    said = {"u1": Outcome("sent"), "u2": Outcome("failed", "score: HTTP 400: user_not_found: u2 is not in this course"),
            "u3": Outcome("retry", "cannot reach the platform: ConnectError: refused")}
    for entry in outbox.claim(store, "s1", now):
        outbox.settle(store, entry, said[entry.user_id], "s1", now)


def test_the_instructor_page_shows_the_scores_waiting_and_those_the_lms_refused_with_its_words(
        tmp_path: Path, workers: Workers, class_db: str) -> None:
    store = Store(class_db)
    roster = tmp_path / "roster.csv"
    roster.write_text("student id,name\ns001,Ada Lovelace\n", encoding="utf-8")
    links = tmp_path / "links.csv"
    classroom.enrol(store, classroom.read_roster(roster), links, "http://127.0.0.1:8000")
    teacher = next(r["link"] for r in csv.DictReader(links.open(encoding="utf-8"))
                   if r["student_id"] == classroom.INSTRUCTOR)
    client = TestClient(web.create_app(pages.load_sheets([]), store, workers, web.Settings(class_mode=True)))
    assert client.get(f"/signin/{teacher.rsplit('/', 1)[1]}").status_code == 200
    assert "Scores to the LMS" not in client.get("/instructor").text  # no LTI: no section
    queued(store)
    page = client.get("/instructor").text
    assert "1 sent to the LMS gradebook; 1 waiting" in " ".join(page.split())
    rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr><td>(?:refused|waiting).*?</tr>", page)]
    assert rows[0] == ["refused", "u2", "https://lms.example.edu/api/lti/courses/7/line_items/1", "7 / 10", "1",
                       "score: HTTP 400: user_not_found: u2 is not in this course"]
    assert rows[1][:5] == ["waiting", "u3", lineitem_url(1), "2.5 / 10", "1"] and "ConnectError" in rows[1][5]
    assert len(rows) == 2
    store.close()


def test_resend_lists_makes_waiting_scores_due_and_with_failed_queues_the_refused_again(tmp_path: Path) -> None:
    db = tmp_path / "class.sqlite"
    store = Store(db)
    queued(store)
    listed = runner.invoke(app, ["lti", "resend", "--list", "--db", str(db)])
    assert listed.exit_code == 1, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith("refused  u2  7/10  https://lms.example.edu/api/lti/courses/7/line_items/1  tries 1  "
                               "score: HTTP 400")
    assert lines[1].startswith("waiting  u3  2.5/10") and lines[2] == "1 sent, 1 waiting, 1 refused"
    assert outbox.claim(store, "s1", time.time()) == []  # u3 waits for its backoff
    done = runner.invoke(app, ["lti", "resend", "--db", str(db)])
    assert done.exit_code == 1 and "1 waiting score(s) due now; 1 refused score(s) left as they are (add --failed" \
        in done.output
    assert [e.user_id for e in outbox.claim(store, "s1", time.time())] == ["u3"]
    again = runner.invoke(app, ["lti", "resend", "--failed", "--db", str(db)])
    assert again.exit_code == 0 and "1 refused score(s) queued again" in again.output
    assert [e.user_id for e in outbox.claim(store, "s1", time.time())] == ["u2"]
    store.close()


def test_resend_on_a_missing_database_says_which_to_give(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lti", "resend", "--db", str(tmp_path / "nope.sqlite")])
    assert result.exit_code == 2 and "no such database" in result.output
    assert not (tmp_path / "nope.sqlite").exists()
