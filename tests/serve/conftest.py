"""Shared by the serve tests: one grading worker per test module (the `chromium` fixture for the
browser tests is in tests/conftest.py: the notebook's JupyterLab test drives it too)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from grader.serve.workers import Workers


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`grader serve` run in this process (its server stubbed) records that it settled the process
    (`app.settle`: the GC frozen, the GIL's switch interval) instead of doing it to the test process."""
    from grader.serve import app

    calls: list[str] = []
    monkeypatch.setattr(app, "settle", lambda: calls.append("settle"))
    return calls


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    pool = Workers(jobs=1)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def practice_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A practice-mode `grader serve` process on a free port, for the browser tests; its URL."""
    db = tmp_path_factory.mktemp("practice") / "progress.sqlite"
    process = subprocess.Popen([sys.executable, "-m", "grader", "serve", "--port", "0", "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    found = re.search(r"http://\S+/", process.stdout.readline())
    try:
        assert found, "the server printed no URL"
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=30)
