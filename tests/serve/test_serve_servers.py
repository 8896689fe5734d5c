"""One class, several server processes on one PostgreSQL database (issue 23): a student signs in on
one and answers on the other, answers sent to both at once respect the attempt limit, one server
killed with SIGKILL while the other serves on, and `--workers N` on one port."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest

pytestmark = pytest.mark.system

SHEET = "activation-derivatives"
WRONGS = ["x", "2x", "3x", "x^2", "x+1", "sin(x)", "cos(x)", "e^x", "x-1", "4x", "5x", "6x", "7x", "8x", "9x",
          "x^3", "x^4", "x+2", "x+3", "x+4"]
ROSTER = "student id,name\ns001,Ada Lovelace\ns002,Émile Borel\ns003,Sofia Kovalevskaya\n"


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(jar: CookieJar) -> Any:
    return build_opener(HTTPCookieProcessor(jar), _NoRedirect())


def start(folder: Path, url: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "grader", "serve", SHEET, "--db", url, "--port", "0",
                                "--jobs", "1", "--class", str(folder / "roster.csv"), "--links",
                                str(folder / "links.csv"), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    found = re.search(r"http://\S+/", process.stdout.readline())
    assert found, "the server printed no URL"
    return process, found.group(0).rstrip("/")


def links(folder: Path) -> dict[str, str]:
    with (folder / "links.csv").open(encoding="utf-8") as file:
        return {row["student_id"]: row["link"] for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, pg_module_url: str) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("class")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    a, url_a = start(folder, pg_module_url)
    b, url_b = start(folder, pg_module_url)  # the second keeps the links the first wrote
    try:
        yield {"a": a, "b": b, "urls": (url_a, url_b), "links": links(folder), "db": pg_module_url}
    finally:
        for process in (a, b):
            process.terminate()
            process.wait(timeout=30)


def session(base: str, link: str) -> tuple[str, str]:
    """Sign in with `link` (on whichever server it names, rebased on `base`): the cookie and CSRF token."""
    jar = CookieJar()
    opener = _opener(jar)
    opener.open(base + link[link.index("/signin/"):]).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, csrf(base, cookie)


def csrf(base: str, cookie: str) -> str:
    page = _opener(CookieJar()).open(Request(f"{base}/sheets/{SHEET}/q/sigmoid", headers={"Cookie": cookie})).read()
    found = re.search(r'name="csrf" value="([^"]+)"', page.decode())
    assert found, page[:300]
    return found.group(1)


def post(base: str, cookie: str, token: str, answer: str, part: str = "sigmoid.a") -> int:
    request = Request(f"{base}/sheets/{SHEET}/parts/{part}/answer", method="POST",
                      data=urlencode({"csrf": token, "answer": answer}).encode(), headers={"Cookie": cookie})
    try:
        with _opener(CookieJar()).open(request, timeout=90) as reply:
            return int(reply.status)
    except HTTPError as err:
        return int(err.code)


def stored(query: Any, db: str, roster_id: str, part: str = "sigmoid.a") -> list[tuple[Any, ...]]:
    return query(db, "SELECT a.answer, a.number FROM attempts a JOIN students s ON s.id = a.student_id"
                     " WHERE s.roster_id = ? AND a.part = ? ORDER BY a.id", (roster_id, part))


def test_both_servers_wrote_the_same_links_and_either_signs_in(two: dict[str, Any]) -> None:
    assert set(two["links"]) == {"s001", "s002", "s003", "*instructor"} or len(two["links"]) >= 3


def test_signed_in_on_one_server_a_student_answers_on_the_other(two: dict[str, Any], query: Any) -> None:
    url_a, url_b = two["urls"]
    cookie, token = session(url_a, two["links"]["s001"])
    assert csrf(url_b, cookie) == token  # the other server knows the session and its CSRF token
    assert post(url_b, cookie, token, "x", "tanh.a") == 303
    assert stored(query, two["db"], "s001", "tanh.a") == [("x", 1)]


def test_answers_of_one_student_sent_to_both_servers_at_once_respect_the_attempt_limit(
        two: dict[str, Any], query: Any) -> None:
    url_a, url_b = two["urls"]
    cookie, token = session(url_a, two["links"]["s002"])
    start_line = threading.Barrier(len(WRONGS))
    codes = [0] * len(WRONGS)

    def one(i: int) -> None:
        start_line.wait()
        codes[i] = post((url_a, url_b)[i % 2], cookie, token, WRONGS[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(WRONGS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in range(3):  # and again, one by one, until the part is closed
        for base in (url_a, url_b):
            codes.append(post(base, cookie, token, "x^5"))
    numbers = [n for _, n in stored(query, two["db"], "s002")]
    assert sorted(numbers) == [1, 2, 3], numbers  # never more than the limit, each number once
    assert codes.count(303) == 3 and set(codes) <= {303, 409, 429}, codes


def test_one_server_killed_the_other_serves_on_and_nothing_acknowledged_is_lost(
        two: dict[str, Any], query: Any) -> None:
    url_a, url_b = two["urls"]
    cookie, token = session(url_a, two["links"]["s003"])
    codes: list[int] = []
    sender = threading.Thread(target=lambda: codes.extend(
        post(url_a, cookie, token, w, "relu.a") for w in ("x", "2x")))  # in flight while it is killed
    sender.start()
    time.sleep(0.3)
    two["a"].send_signal(signal.SIGKILL)
    two["a"].wait(timeout=30)
    sender.join(timeout=120)
    assert post(url_b, cookie, token, "x", "tanh.b") == 303  # same cookie, the other server
    answers = [a for a, _ in stored(query, two["db"], "s003", "relu.a")]
    assert len(answers) >= codes.count(303)  # every answer acknowledged (303) is stored
    assert stored(query, two["db"], "s003", "tanh.b") == [("x", 1)]
    with pytest.raises(URLError):
        _opener(CookieJar()).open(f"{url_a}/", timeout=5)


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def test_workers_n_serves_one_port_from_n_processes_and_replaces_one_killed(
        tmp_path: Path, pg_url: str, query: Any) -> None:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    process, base = start(tmp_path, pg_url, "--workers", "2", "--no-prepare")
    try:
        first = _children(process.pid)
        assert len(first) == 2  # the address is printed once both answer
        cookie, token = session(base, links(tmp_path)["s001"])
        os.kill(min(first), signal.SIGKILL)
        codes = [post(base, cookie, token, w, p) for w, p in (("x", "sigmoid.a"), ("x", "tanh.a"))]
        assert codes == [303, 303]
        deadline = time.monotonic() + 60
        while len(_children(process.pid) - first) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        new = _children(process.pid) - first
        assert len(new) == 1 and max(first) in _children(process.pid)  # one new, one kept
        os.kill(max(first), signal.SIGKILL)  # now the replacement alone serves, once it is ready
        assert post(base, cookie, token, "x", "relu.a") == 303
        assert new <= _children(process.pid)
        assert len(query(pg_url, "SELECT id FROM attempts")) == 3
    finally:
        process.send_signal(signal.SIGINT)
        _, said = process.communicate(timeout=60)
    assert process.returncode == 0 and not any(Path(f"/proc/{pid}").exists() for pid in first | new)
    assert "Traceback" not in said and said.count("starting another") == 2, said


def test_workers_n_server_processes_stop_when_the_main_process_is_killed(tmp_path: Path, pg_url: str) -> None:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    process, base = start(tmp_path, pg_url, "--workers", "2", "--no-prepare")
    children = _children(process.pid)
    assert len(children) == 2
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)  # orphans kept the port and served
    with pytest.raises(URLError):
        _opener(CookieJar()).open(f"{base}/", timeout=5)


def test_workers_n_prints_the_address_once_every_server_process_answers(tmp_path: Path, pg_url: str) -> None:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    process, base = start(tmp_path, pg_url, "--workers", "2")  # the class's parts prepared, in each process
    try:
        assert process.stderr is not None
        os.set_blocking(process.stderr.fileno(), False)
        said = process.stderr.read() or ""  # what was said before the address
        assert "grader serve: 2 server processes ready in" in said, said
        assert len(_children(process.pid)) == 2
        cookie, token = session(base, links(tmp_path)["s001"])
        assert post(base, cookie, token, "x", "sigmoid.a") == 303
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert process.returncode == 0


def test_workers_n_on_a_sqlite_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "grader", "serve", "--db", str(tmp_path / "c.sqlite"),
                             "--workers", "2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "PostgreSQL" in result.stderr and "Traceback" not in result.stderr
