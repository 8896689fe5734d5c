"""The database goes away while the server runs (issue 23): a student who answers then is told their
answer was not saved (503, never a 500, never "saved"), a page says to try again, and the server
recovers by itself when the database is back. PostgreSQL is reached through a proxy the test cuts."""

from __future__ import annotations

import contextlib
import csv
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from starlette.testclient import TestClient

from grader.serve import app as web
from grader.serve import classroom, pages
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "activation-derivatives"


class Proxy:
    """A TCP relay to PostgreSQL that can be cut (every connection closed, nothing accepted) and
    restored on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.open: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.start()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        assert self.listener is not None
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread in accept(): close alone would not
        self.listener.close()
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.open.clear()


@pytest.fixture
def outage(pg_url: str) -> Iterator[tuple[Proxy, str]]:
    parts = urlsplit(pg_url)
    proxy = Proxy((parts.hostname or "localhost", parts.port or 5432))
    netloc = parts.netloc.rsplit("@", 1)
    via = urlunsplit(parts._replace(netloc=f"{netloc[0]}@127.0.0.1:{proxy.port}"))
    yield proxy, via
    proxy.cut()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def test_the_database_down_while_serving_says_not_saved_and_the_server_recovers(
        outage: tuple[Proxy, str], pg_url: str, tmp_path: Path, workers: Workers, query: Any) -> None:
    proxy, via = outage
    store = Store(via)
    links = tmp_path / "links.csv"
    classroom.enrol(store, [classroom.Member("s001", "Ada")], links, "http://testserver")
    token = next(csv.DictReader(links.open(encoding="utf-8")))["link"].rsplit("/", 1)[1]
    client = TestClient(web.create_app(pages.load_sheets([SHEET]), store, workers, web.Settings(class_mode=True)),
                        follow_redirects=False, raise_server_exceptions=False)
    assert client.get(f"/signin/{token}").status_code == 200
    csrf = _csrf(client.get(f"/sheets/{SHEET}/q/sigmoid").text)

    proxy.cut()
    sent = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": csrf, "answer": "x"})
    assert sent.status_code == 503 and "Your answer was not saved" in sent.text, sent.text
    assert "saved." not in sent.text.replace("not saved", "")
    page = client.get(f"/sheets/{SHEET}/q/sigmoid")
    assert page.status_code == 503 and "Try again in a minute" in page.text
    preview = client.post("/preview", data={"sheet": SHEET, "part": "sigmoid.a", "text": "x"},
                          headers={"x-csrf-token": csrf})
    assert preview.status_code == 503 and "error" in preview.json()
    assert query(pg_url, "SELECT COUNT(*) FROM attempts") == [(0,)]

    proxy.start()  # the database is back: the next request reconnects
    assert client.get(f"/sheets/{SHEET}/q/sigmoid").status_code == 200
    again = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": csrf, "answer": "x"})
    assert again.status_code == 303
    assert query(pg_url, "SELECT answer, number FROM attempts") == [("x", 1)]
    store.close()
