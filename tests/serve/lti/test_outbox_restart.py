"""Nothing is lost when a server is killed: a class server (its app's lifespan runs the outbox's sender,
outbox_server.py) keeps trying an LMS that does not answer, is killed with SIGKILL with the scores still
waiting, and once the LMS is back a new server sends them: every student's newest score arrives, once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from fake_ags import CLIENT_ID, Platform, tool_key

from grader.serve.lti import outbox
from grader.serve.lti.ags import ScoreTarget
from grader.serve.store import Store

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, key_file: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen([sys.executable, str(HERE / "outbox_server.py"), str(db), str(key_file)],
                              stdout=subprocess.PIPE, text=True, env=env)
    assert server.stdout is not None and server.stdout.readline().startswith("ready")
    return server


def wait_for(check: object, seconds: float = 30.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.system
def test_scores_waiting_when_the_server_is_killed_are_sent_by_the_next_server(tmp_path: Path) -> None:
    key = tool_key()
    key_file = tmp_path / "tool-key.json"
    key_file.write_text(json.dumps(key.as_dict(private=True)), encoding="utf-8")
    port = free_port()  # the LMS's: nothing listens there yet (connection refused)
    platform = Platform({"keys": [key.as_dict(private=False)]}, base=f"http://127.0.0.1:{port}")
    target = ScoreTarget("https://lms.example.edu", CLIENT_ID, platform.token_url,
                         f"{platform.base}/api/lti/courses/7/line_items/1")
    db = tmp_path / "class.sqlite"
    store = Store(db)
    server = start_server(db, key_file)
    t0 = datetime.now(UTC)
    final = {}
    for n in range(3):
        for u in range(10):
            final[f"u{u}"] = float(n * 10 + u)
            outbox.enqueue(store, target, f"u{u}", final[f"u{u}"], 100, t0 + timedelta(seconds=n))
    tried = "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending') AND tries >= 2"
    try:
        assert wait_for(lambda: int(store._db.execute(tried).fetchone()[0]) == 10)  # the server tried and waits
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert len(outbox.waiting(store)) == 10

    lms = uvicorn.Server(uvicorn.Config(platform.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lms.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: lms.started)
        again = start_server(db, key_file)
        try:
            arrived = wait_for(lambda: len(platform.scores) >= 10)
        finally:
            again.send_signal(signal.SIGTERM)
            again.wait(timeout=30)
    finally:
        lms.should_exit = True
        thread.join(timeout=10)
    assert arrived, outbox.waiting(store)
    assert {d["userId"]: d["scoreGiven"] for _, d in platform.scores} == final
    assert len(platform.scores) == 10  # each student's newest score, once
    assert outbox.overview(store) == outbox.Overview(10, [], [])
    store.close()
