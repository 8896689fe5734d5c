"""The attempt limit under concurrency (issue 22, item 1): answers sent at the same moment, from
threads and from several processes, against a real `grader serve` process (class and practice mode),
and claims taken on one database file from several processes at once."""

from __future__ import annotations

import csv
import multiprocessing
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest

from grader.serve import export
from grader.serve.store import Store

SHEET = "activation-derivatives"
RIGHT = "e^(-x)/(1+e^(-x))^2"
WRONGS = ["x", "2x", "3x", "x^2", "x+1", "sin(x)", "cos(x)", "e^x", "x-1", "4x", "5x", "6x", "7x", "8x", "9x",
          "x^3", "x^4", "x+2", "x+3"]
ROSTER = "student id,name\ns001,Ada Lovelace\ns002,Émile Borel\n"


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 303 itself is the reply counted


def _opener(jar: CookieJar) -> Any:
    return build_opener(HTTPCookieProcessor(jar), _NoRedirect())


def _start(folder: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "grader", "serve", SHEET, "--db", str(folder / "db.sqlite"),
                                "--port", "0", "--jobs", "2", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    found = re.search(r"http://\S+/", process.stdout.readline())
    assert found, "the server printed no URL"
    return process, found.group(0).rstrip("/")


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    folder = tmp_path_factory.mktemp("class")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    process, url = _start(folder, "--class", str(folder / "roster.csv"), "--links", str(folder / "links.csv"))
    try:
        with (folder / "links.csv").open(encoding="utf-8") as file:
            links = {row["student_id"]: row["link"] for row in csv.DictReader(file)}
        yield url, links, folder / "db.sqlite"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("practice")
    process, url = _start(folder)
    try:
        yield url, folder / "db.sqlite"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _session(url: str, link: str | None) -> tuple[list[tuple[str, str]], str]:
    """A browser's cookies (as name, value) and the question page's CSRF token."""
    jar = CookieJar()
    opener = _opener(jar)
    if link is not None:
        opener.open(link).read()
    page = opener.open(f"{url}/sheets/{SHEET}/q/sigmoid").read().decode()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return [(c.name, c.value) for c in jar], found.group(1)


def _post(url: str, cookies: list[tuple[str, str]], csrf: str, answer: str) -> int:
    request = Request(f"{url}/sheets/{SHEET}/parts/sigmoid.a/answer", method="POST",
                      data=urlencode({"csrf": csrf, "answer": answer}).encode(),
                      headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies)})
    try:
        with _opener(CookieJar()).open(request, timeout=60) as reply:
            return int(reply.status)
    except HTTPError as err:
        return int(err.code)


def _fire(url: str, cookies: list[tuple[str, str]], csrf: str, answers: list[str]) -> list[int]:
    """Every answer at once, one thread each, released together."""
    start = threading.Barrier(len(answers))
    codes: list[int] = [0] * len(answers)

    def one(i: int) -> None:
        start.wait()
        codes[i] = _post(url, cookies, csrf, answers[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(answers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def _fire_from_processes(url: str, cookies: list[tuple[str, str]], csrf: str, answers: list[str]) -> list[int]:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        batches = [answers[i::4] for i in range(4)]
        return [c for codes in pool.starmap(_fire, [(url, cookies, csrf, b) for b in batches]) for c in codes]


def _stored(db: Path, student: int | None = None) -> list[tuple[str, int, int | None, float]]:
    with sqlite3.connect(db) as conn:
        return [(str(r[0]), int(r[1]), r[2], float(r[3])) for r in conn.execute(
            "SELECT status, counted, number, points FROM attempts WHERE part = 'sigmoid.a'"
            + ("" if student is None else f" AND student_id = {int(student)}") + " ORDER BY id")]


@pytest.mark.system  # against a `python -m grader serve` process (the klass fixture)
def test_concurrent_answers_from_threads_get_at_most_the_attempts_allowed_and_the_export_agrees(klass) -> None:
    url, links, db = klass
    cookies, csrf = _session(url, links["s001"])
    codes: list[int] = []
    for round_ in range(3):  # until the part is over: 12, then 12, then 12 at once
        answers = WRONGS[:11]
        answers.insert(5, RIGHT) if round_ == 2 else answers.insert(5, WRONGS[11])
        codes += _fire(url, cookies, csrf, answers)
    assert set(codes) <= {303, 409, 429}
    with sqlite3.connect(db) as conn:
        student = conn.execute("SELECT id FROM students WHERE roster_id = 's001'").fetchone()[0]
    stored = _stored(db, student)
    counted = [s for s in stored if s[1]]
    assert len(counted) <= 3, stored
    assert [s[2] for s in counted] == list(range(1, len(counted) + 1))
    assert codes.count(303) == len(stored)  # every answer graded was stored; the others said why not
    best = max(s[3] for s in stored)
    opener = _opener(CookieJar())
    table = opener.open(Request(f"{url}/sheets/{SHEET}", headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies)})).read().decode()
    assert re.search(rf"<td>sigmoid\.a</td><td>[^<]*</td><td>{len(counted)}</td><td>[^<]*</td><td>{best:g} / 2</td>",
                     table)
    [ada] = [s for s in export.class_answers(db, SHEET) if s.student == "s001"]
    assert ada.answers["sigmoid.a"] in ([RIGHT] if best == 2 else WRONGS)


@pytest.mark.system  # a `python -m grader serve` process, answered from a pool of spawned processes
def test_concurrent_answers_from_several_processes_get_at_most_the_attempts_allowed(klass) -> None:
    url, links, db = klass
    cookies, csrf = _session(url, links["s002"])
    codes = _fire_from_processes(url, cookies, csrf, WRONGS[:16])
    codes += _fire_from_processes(url, cookies, csrf, WRONGS[:16])
    codes += _fire_from_processes(url, cookies, csrf, WRONGS[:16])
    codes += _fire_from_processes(url, cookies, csrf, WRONGS[:16])
    with sqlite3.connect(db) as conn:
        student = conn.execute("SELECT id FROM students WHERE roster_id = 's002'").fetchone()[0]
    counted = [s for s in _stored(db, student) if s[1]]
    assert 1 <= len(counted) <= 3 and set(codes) <= {303, 409, 429}
    assert [s[2] for s in counted] == list(range(1, len(counted) + 1))


@pytest.mark.system  # against a `python -m grader serve` process (the practice fixture)
def test_concurrent_answers_in_practice_mode_get_at_most_the_attempts_allowed(practice) -> None:
    url, db = practice
    cookies, csrf = _session(url, None)
    codes = []
    for _ in range(4):
        codes += _fire(url, cookies, csrf, WRONGS[:10])
    counted = [s for s in _stored(db) if s[1]]
    assert 1 <= len(counted) <= 3 and set(codes) <= {303, 409, 429}, codes
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM students").fetchone()[0] == 1


def _claim(db: str, token: str, start: Any, finish: bool) -> str:
    """One process: its own connection to the file, a claim at the barrier, the attempt stored."""
    store = Store(Path(db))
    student = store.student(token)
    assert student is not None
    start.wait()
    claim = store.claim(student, SHEET, "sigmoid.a", 3, ("sigmoid.a",))
    if isinstance(claim, str):
        return claim
    if finish:
        store.finish(claim, "", "x", {"part": "sigmoid.a", "status": "incorrect", "score": 0.0, "points": 0.0,
                                      "max_points": 2.0, "feedback": ""})
    return str(claim.number)


@pytest.mark.system  # a pool of eight spawned processes
def test_claims_taken_at_once_from_several_processes_on_one_file_give_one_number_each(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    token, _ = Store(db).new_student()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(8) as pool:
        held = sorted(pool.starmap(_claim, [(str(db), token, manager.Barrier(8), False)] * 8))
        assert held == ["1"] + ["busy"] * 7  # nobody finishes: one answer in flight, the others refused
        Store(db).clear_claims()
        outcomes = []
        for _ in range(4):
            outcomes += pool.starmap(_claim, [(str(db), token, manager.Barrier(8), True)] * 8)
    assert sorted(o for o in outcomes if o.isdigit()) == ["1", "2", "3"], outcomes  # each number once
    assert set(outcomes) - {"1", "2", "3"} <= {"busy", "used"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT number FROM attempts ORDER BY id").fetchall() == [(1,), (2,), (3,)]


def test_a_claim_left_by_a_killed_server_is_cleared_at_the_next_start(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    _, student = store.new_student()
    assert not isinstance(store.claim(student, SHEET, "sigmoid.a", 3, ("sigmoid.a",)), str)
    assert store.claim(student, SHEET, "sigmoid.a", 3, ("sigmoid.a",)) == "busy"
    assert store.clear_claims() == 1  # what `grader serve` does before it listens
    assert not isinstance(store.claim(student, SHEET, "sigmoid.a", 3, ("sigmoid.a",)), str)
