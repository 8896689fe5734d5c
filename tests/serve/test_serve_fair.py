"""Fair grading (issue 22, item 3): one student's flood of answers that each take a worker's whole
budget delays another student's answer by at most one job; slow `invalid` answers use the budget;
practice mode limits a client address as well as a cookie, and a visit stores no student.

A real server (uvicorn, in a thread of this process) with one real worker process; a "budget-eating"
answer is the text SLOW, which holds that worker for SLOW_SECONDS and comes back as a timeout would.
Assertions are about order and counts, not about how fast this machine is."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
import uvicorn
from starlette.testclient import TestClient

from grader.serve import app as web
from grader.serve import classroom, pages, work
from grader.serve.store import Store
from grader.serve.workers import Done, Workers

SHEET = "activation-derivatives"
SLOW_SECONDS = 1.0


class SlowWorkers(Workers):
    """Real workers; an answer `SLOW` holds one for SLOW_SECONDS, then is `invalid` (a timeout)."""

    def run(self, fn: Any, *args: Any, deadline: float, urgent: bool = True, owner: Any = None) -> Done:
        if fn is work.grade_answer and args[3] == "SLOW":
            super().run(time.sleep, SLOW_SECONDS, deadline=SLOW_SECONDS + 5, urgent=urgent, owner=owner)
            return Done(failure="timeout")
        return super().run(fn, *args, deadline=deadline, urgent=urgent, owner=owner)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("fair")
    store = Store(folder / "class.sqlite")
    members = [classroom.Member("s001", "Ada Lovelace"), classroom.Member("s002", "Émile Borel")]
    classroom.enrol(store, members, folder / "links.csv", "http://127.0.0.1")
    links = {row.split(",")[0]: row.rsplit("/", 1)[1] for row in (folder / "links.csv").read_text().splitlines()[1:]}
    pool = SlowWorkers(jobs=1)
    settings = web.Settings(class_mode=True, budget_seconds=2.5 * SLOW_SECONDS)
    config = uvicorn.Config(web.create_app(pages.load_sheets([SHEET]), store, pool, settings), host="127.0.0.1",
                            port=0, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    try:
        while not running.started:
            time.sleep(0.05)
        port = running.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}", links
    finally:
        running.should_exit = True
        thread.join(30)
        pool.close()


def _browser(url: str, link: str) -> tuple[Any, str]:
    opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect())
    opener.open(f"{url}/signin/{link}").read()
    page = opener.open(f"{url}/sheets/{SHEET}/q/relu").read().decode()
    return opener, re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _answer(browser: tuple[Any, str], url: str, part: str, text: str) -> int:
    opener, csrf = browser
    request = Request(f"{url}/sheets/{SHEET}/parts/{part}/answer", method="POST",
                      data=urlencode({"csrf": csrf, "answer": text}).encode())
    try:
        with opener.open(request, timeout=60) as reply:
            return int(reply.status)
    except HTTPError as err:
        return int(err.code)


@pytest.mark.system  # a server on a port (uvicorn, in a thread) with its own worker process
def test_a_flood_of_budget_eating_answers_delays_anothers_answer_by_one_job_at_most(server) -> None:
    url, links = server
    ada, emile = _browser(url, links["s001"]), _browser(url, links["s002"])
    finished: list[tuple[str, int]] = []
    lock = threading.Lock()

    def send(who: str, browser: tuple[Any, str], part: str, text: str) -> None:
        code = _answer(browser, url, part, text)
        with lock:
            finished.append((who, code))

    flood = [threading.Thread(target=send, args=(f"ada {part}", ada, part, "SLOW"))
             for part in ("relu.a", "relu.b.left", "relu.b.right")]
    for thread in flood:
        thread.start()
    time.sleep(0.3 * SLOW_SECONDS)  # Ada's first answer holds the one worker; her other two wait
    send("emile", emile, "relu.b.left", "0")
    for thread in flood:
        thread.join()
    order = [who for who, _ in finished]
    assert order[0] == "emile" or order[1] == "emile", order  # after at most one of Ada's jobs
    assert all(code == 303 for _, code in finished), finished
    # Her answers came back `invalid` (no attempt used), but their time counts: the budget is spent.
    assert _answer(ada, url, "relu.b.right", "1") == 429
    assert _answer(emile, url, "relu.b.right", "1") == 303


@pytest.mark.system  # starts two worker processes and keeps them busy
def test_a_students_jobs_never_run_two_at_a_time() -> None:
    pool = Workers(jobs=2)
    try:
        threads = [threading.Thread(target=pool.run, args=(time.sleep, 0.4), kwargs={"deadline": 5, "owner": "ada"})
                   for _ in range(3)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(0.1)
        assert pool.waiting("ada") == 3
        for thread in threads:
            thread.join()
        assert time.monotonic() - began >= 3 * 0.4  # one after another although two workers were free
        assert pool.used("ada") >= 3 * 0.4  # and her minute's budget holds their time
    finally:
        pool.close()


@pytest.mark.system  # the order in which jobs sleeping in the worker process get it (starts the module's pool)
def test_the_free_worker_goes_to_the_student_who_used_least(workers: Workers) -> None:
    started: list[str] = []
    lock = threading.Lock()

    def job(owner: str) -> None:
        workers.run(time.sleep, 0.2, deadline=5, owner=owner)
        with lock:
            started.append(owner)

    hog = threading.Thread(target=workers.run, args=(time.sleep, 1.0), kwargs={"deadline": 5, "owner": "ada"})
    hog.start()
    time.sleep(0.2)
    queued = [threading.Thread(target=job, args=(owner,)) for owner in ("ada", "ada", "ada")]
    for thread in queued:
        thread.start()
        time.sleep(0.05)
    late = threading.Thread(target=job, args=("emile",))  # asks last, goes first: Ada used the worker
    late.start()
    for thread in [hog, *queued, late]:
        thread.join()
    assert started[0] == "emile", started


def test_a_practice_visit_stores_no_student_and_an_address_gets_limits_as_a_cookie_does(
    tmp_path: Path, workers: Workers
) -> None:
    loaded = pages.load_sheets([SHEET])
    store = Store(tmp_path / "db.sqlite")
    app = web.create_app(loaded, store, workers, web.Settings(grades_per_minute=2, address_factor=2))
    for _ in range(100):  # cookie-less visits
        assert TestClient(app).get(f"/sheets/{SHEET}/q/sigmoid").status_code == 200
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM students").fetchone()[0] == 0
    codes = []
    for _ in range(3):  # a new cookie for every two answers: the address still reaches its limit (2 x 2)
        client = TestClient(app)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/sheets/{SHEET}/q/sigmoid").text).group(1)  # type: ignore[union-attr]
        codes += [client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": answer},
                              follow_redirects=False).status_code for answer in ("x", "2x")]
    assert codes == [303, 303, 303, 303, 429, 429]
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM students").fetchone()[0] == 2  # created by their first answer
