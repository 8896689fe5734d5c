"""The instructor page groups the class's wrong answers by equivalence, as summary.md does: equal
answers written apart are one group once a worker proves them equal, an unproved pair stays apart,
and a refresh confirms only pairs it has not seen.

Workers here run each job in this process (so jobs can be counted, or made to time out); the real
worker pool is tested in test_serve_workers.py and test_serve_class.py.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from grader.batch.groups import summarize
from grader.batch.model import Answer, Row
from grader.batch.worker import GradeTask, SameTask, handle
from grader.serve import app as web
from grader.serve import classroom, pages, stats, work
from grader.serve.store import Store
from grader.serve.workers import Done, Failure

SHEET = "activation-derivatives"
STUDENTS = [f"s{i:03}" for i in range(1, 11)]


class InProcess:
    """Workers that run jobs in this process and record every `same_answers` pair asked; `same`
    decides what those jobs return instead (a failure such as "timeout", or None to run them)."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []
        self.same: Failure | None = None

    def run(self, fn: Callable[..., Any], *args: Any, deadline: float, urgent: bool = True,
            owner: object = None) -> Done:
        if fn is work.same_answers:
            self.pairs.append((args[3], args[4]))
            if self.same is not None:
                return Done(failure=self.same)
        return Done(fn(*args))

    def used(self, owner: object) -> float:
        return 0.0

    def waiting(self, owner: object) -> int:
        return 0

    def close(self) -> None:
        pass


class Klass:
    def __init__(self, tmp_path: Path, loaded: dict[str, pages.Loaded], where: str = "") -> None:
        roster = tmp_path / "roster.csv"
        roster.write_text("".join(f"{s},Student {s}\n" for s in STUDENTS), encoding="utf-8")
        self.store = Store(where or tmp_path / "class.sqlite")
        links = tmp_path / "links.csv"
        classroom.enrol(self.store, classroom.read_roster(roster), links, "http://127.0.0.1:8000")
        rows = csv.DictReader(links.open(encoding="utf-8"))
        self.tokens = {r["student_id"]: r["link"].rsplit("/", 1)[1] for r in rows}
        self.workers = InProcess()
        self.app = web.create_app(loaded, self.store, self.workers, web.Settings(class_mode=True))  # type: ignore[arg-type]

    def client(self, who: str) -> TestClient:
        client = TestClient(self.app)
        assert client.get(f"/signin/{self.tokens[who]}").status_code == 200
        return client

    def answer(self, who: str, address: str, text: str) -> None:
        client = self.client(who)
        page = client.get(f"/sheets/{SHEET}/q/{address.split('.', 1)[0]}")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        reply = client.post(f"/sheets/{SHEET}/parts/{address}/answer", data={"csrf": csrf.group(1), "answer": text})
        assert reply.status_code == 200

    def wrong(self, address: str = "sigmoid.a") -> list[tuple[int, list[str]]]:
        """The instructor's groups for a part: (count, forms), as /instructor/stats.json gives them."""
        parts = self.client(classroom.INSTRUCTOR).get("/instructor/stats.json").json()["parts"]
        part = next(p for p in parts if p["part"] == address)
        return [(w["count"], w["forms"]) for w in part["wrong"]]


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([])


@pytest.fixture
def klass(tmp_path: Path, loaded: dict[str, pages.Loaded], class_db: str) -> Klass:
    """A class on each backend: a SQLite file, and a PostgreSQL database (the same tests)."""
    return Klass(tmp_path, loaded, class_db)


def test_an_attempt_committed_after_a_later_one_still_reaches_the_instructor_page(
        tmp_path: Path, loaded: dict[str, pages.Loaded], pg_url: str) -> None:
    """On PostgreSQL an attempt's id is taken before its commit: another server's slower transaction
    can commit id N after id N+1 was read. The page asks again for the ids it skipped."""
    import psycopg

    klass = Klass(tmp_path, loaded, pg_url)
    klass.answer("s003", "sigmoid.a", "2x")
    assert klass.wrong() == [(1, ["2x"])]
    ada = klass.store.by_link(klass.tokens["s001"])
    assert ada is not None
    with psycopg.connect(pg_url) as slow:  # another server, between its INSERT and its COMMIT
        slow.execute("INSERT INTO attempts (student_id, sheet_id, part, seed, variant, answer, status, score, points,"
                     " max_points, counted, feedback, result_json, created_at, number) SELECT %s, sheet_id, part,"
                     " %s, variant, answer, status, score, points, max_points, counted, feedback, result_json,"
                     " created_at, 1 FROM attempts", (ada.id, ada.seed))
        klass.answer("s002", "sigmoid.a", "x+x")  # a later id, committed first
        assert klass.wrong() == [(2, ["2x", "x+x"])]
        slow.commit()
    assert klass.wrong() == [(3, ["2x", "x+x"])]


def test_equal_wrong_answers_written_apart_are_one_group(klass: Klass) -> None:
    klass.answer("s001", "sigmoid.a", "2x")
    klass.answer("s002", "sigmoid.a", "x+x")
    assert klass.wrong() == [(2, ["2x", "x+x"])]
    assert klass.workers.pairs == [("2x", "x+x")]
    page = klass.client(classroom.INSTRUCTOR).get("/instructor").text
    assert "2 × <code>2x, x+x</code>" in page


def test_different_wrong_answers_are_two_groups_without_asking_a_worker(klass: Klass) -> None:
    klass.answer("s001", "sigmoid.a", "2x")
    klass.answer("s002", "sigmoid.a", "3x")
    assert klass.wrong() == [(1, ["2x"]), (1, ["3x"])]
    assert klass.workers.pairs == []  # their values differ: nothing to prove


def test_a_pair_whose_confirm_times_out_stays_apart_and_is_not_asked_again(klass: Klass) -> None:
    klass.answer("s001", "sigmoid.a", "2x")
    klass.answer("s002", "sigmoid.a", "x+x")
    klass.workers.same = "timeout"
    assert klass.wrong() == [(1, ["2x"]), (1, ["x+x"])]
    klass.workers.same = None
    assert klass.wrong() == [(1, ["2x"]), (1, ["x+x"])]  # remembered as not proved
    assert klass.workers.pairs == [("2x", "x+x")]


def test_a_pair_no_worker_was_free_for_is_apart_now_and_asked_again_later(klass: Klass) -> None:
    klass.answer("s001", "sigmoid.a", "2x")
    klass.answer("s002", "sigmoid.a", "x+x")
    klass.workers.same = "busy"
    assert klass.wrong() == [(1, ["2x"]), (1, ["x+x"])]
    klass.workers.same = None
    assert klass.wrong() == [(2, ["2x", "x+x"])]
    assert klass.workers.pairs == [("2x", "x+x")] * 2


def test_a_refresh_confirms_only_pairs_it_has_not_seen(klass: Klass) -> None:
    klass.answer("s001", "sigmoid.a", "2x")
    klass.answer("s002", "sigmoid.a", "x+x")
    assert klass.wrong() == [(2, ["2x", "x+x"])]
    asked = len(klass.workers.pairs)
    assert klass.wrong() == [(2, ["2x", "x+x"])]
    assert len(klass.workers.pairs) == asked  # the second refresh ran no worker job
    klass.answer("s003", "sigmoid.a", "2*x")
    assert klass.wrong() == [(3, ["2x", "2*x", "x+x"])]
    assert klass.workers.pairs[asked:] == [("2x", "2*x")]  # only the new pair


def test_the_instructor_page_groups_as_summary_md_does(klass: Klass, loaded: dict[str, pages.Loaded]) -> None:
    answers = {
        "sigmoid.a": ["2x", "x+x", "3x", "2*x", "-e^(-x)/(1+e^(-x))^2", "-(e^(-x))/(1 + e^(-x))^2",
                      "e^(-x)/(1+e^(-x))", "exp(-x)/(1+exp(-x))", "1/(1+e^x)", "σ(x)(1+σ(x))"],
        "relu.b.left": ["1", "1.0", "2/2", "-1", "1", "0", "1/2", "0.5", "yes", "1"],
    }
    for address, texts in answers.items():
        for student, text in zip(STUDENTS, texts, strict=True):
            klass.answer(student, address, text)

    sheet = loaded[SHEET].sheet
    graded = {(a, t, 0): handle(sheet, GradeTask(a, t), 3.0) for a, texts in answers.items() for t in texts}
    rows = [Row(s, f"{s}.yaml", tuple(_batch_answer(a, texts[i], graded[(a, texts[i], 0)]) for a, texts in
                                     answers.items()), 2.0) for i, s in enumerate(STUDENTS)]

    def confirm(tasks: list[SameTask]) -> list[bool]:
        return [handle(sheet, task, 3.0) is True for task in tasks]

    summaries = summarize([(a, sheet.part(a).points) for a in answers], rows, graded, confirm)
    for summary in summaries:
        batch = [(g.count, [t for t, _ in g.forms][:stats.FORMS]) for g in summary.wrong]
        assert klass.wrong(summary.address) == batch[:stats.TOP]
    assert (3, ["2x", "2*x", "x+x"]) in klass.wrong("sigmoid.a")  # proved equal, not merely read alike
    assert (3, ["1/(1+e^x)", "e^(-x)/(1+e^(-x))", "exp(-x)/(1+exp(-x))"]) in klass.wrong("sigmoid.a")
    assert (5, ["1", "1.0", "2/2"]) in klass.wrong("relu.b.left")


def _batch_answer(address: str, text: str, output: object) -> Answer:
    assert not isinstance(output, bool)
    result = output.result  # type: ignore[attr-defined]
    return Answer(address, result.status, result.points, result.max_points, text, result)
