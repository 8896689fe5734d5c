"""Two server processes' apps on one PostgreSQL class share what makes a student's limits: the rate
limit of answers a minute and the worker time their answers took (the budget), so a student cannot get
twice the budget by sending half their answers to each server."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from grader.serve import app as web
from grader.serve import classroom, pages, work
from grader.serve.store import Store
from grader.serve.workers import Done

SHEET = "activation-derivatives"


class Slow:
    """Workers of one server: grade in this process, and report each job as having taken 5 s."""

    def run(self, fn: Callable[..., Any], *args: Any, deadline: float, urgent: bool = True,
            owner: object = None) -> Done:
        return Done(fn(*args), seconds=5.0 if fn is work.grade_answer else 0.0)

    def used(self, owner: object) -> float:
        return 0.0  # this server's own workers saw nothing: only the database knows

    def waiting(self, owner: object) -> int:
        return 0

    def close(self) -> None:
        pass


def test_the_budget_and_the_rate_limit_are_the_classs_not_one_servers(pg_url: str, tmp_path: Path) -> None:
    store_a, store_b = Store(pg_url), Store(pg_url)
    classroom.enrol(store_a, [classroom.Member("s001", "Ada")], tmp_path / "links.csv", "http://testserver")
    token = next(csv.DictReader((tmp_path / "links.csv").open(encoding="utf-8")))["link"].rsplit("/", 1)[1]
    loaded = pages.load_sheets([SHEET])
    settings = web.Settings(class_mode=True, budget_seconds=8.0, grades_per_minute=4)
    a = TestClient(web.create_app(loaded, store_a, Slow(), settings), follow_redirects=False)  # type: ignore[arg-type]
    b = TestClient(web.create_app(loaded, store_b, Slow(), settings), follow_redirects=False)  # type: ignore[arg-type]
    assert a.get(f"/signin/{token}").status_code == 200
    b.cookies.update(a.cookies)
    found = re.search(r'name="csrf" value="([^"]+)"', b.get(f"/sheets/{SHEET}/q/sigmoid").text)
    assert found

    def send(client: TestClient, part: str) -> Any:
        return client.post(f"/sheets/{SHEET}/parts/{part}/answer", data={"csrf": found.group(1), "answer": "x"})

    assert send(a, "sigmoid.a").status_code == 303  # 5 s of worker time
    assert send(b, "tanh.a").status_code == 303  # 10 s: over the 8 s budget from now on, on both servers
    refused = send(a, "relu.a")
    assert refused.status_code == 429 and "took 10 s of checking" in refused.text
    ada = store_a.by_link(token)
    assert ada is not None
    assert store_b.spent(f"student:{ada.id}") == store_a.spent(f"student:{ada.id}") >= 10.0
    # the rate limit (4 a minute here) counts the answers sent to both: 3 sent, one more allowed
    assert [send(c, "sigmoid.b").status_code for c in (b, a)] == [429, 429]  # the budget refuses first
    assert store_a.allow(f"grade:student:{ada.id}", 4, 60.0) is False  # the 4 answers sent were counted, on either
