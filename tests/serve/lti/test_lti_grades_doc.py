"""docs/lti-grades.md's commands, run on a class with scores sent, waiting and refused (the PostgreSQL
lines on a new schema when GRADER_TEST_PG is set): each does what the page says."""

from __future__ import annotations

import re
import shlex
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_ags import CLIENT_ID, ISSUER, TOKEN_URL, lineitem_url
from typer.testing import CliRunner

from grader.cli import app
from grader.serve.lti import outbox
from grader.serve.lti.ags import Outcome, ScoreTarget
from grader.serve.store import Store

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "lti-grades.md"
TARGET = ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, lineitem_url(1))


def commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def a_class(where: str) -> None:
    store = Store(where)
    for user in ("u1", "u2", "u3"):
        outbox.enqueue(store, TARGET, user, 5, 10, datetime.now(UTC))
    said = {"u1": Outcome("sent"), "u2": Outcome("failed", "score: HTTP 400: user_not_found"),
            "u3": Outcome("retry", "cannot reach the platform")}
    now = time.time()
    for entry in outbox.claim(store, "s1", now):
        outbox.settle(store, entry, said[entry.user_id], "s1", now)
    store.close()


def test_the_page_names_each_command_and_every_score_field() -> None:
    assert [shlex.split(c)[:3] for c in commands()] == [["grader", "lti", "resend"]] * 3
    text = PAGE.read_text(encoding="utf-8")
    for word in ("userId", "scoreGiven", "scoreMaximum", "activityProgress", "gradingProgress", "timestamp",
                 "Retry-After", "lti-ags/scope/score"):
        assert f"`{word}" in text or word in text, word


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_pages_resend_commands_do_what_it_says(backend: str, tmp_path: Path, request: pytest.FixtureRequest
                                                   ) -> None:
    runner = CliRunner()
    lines = [c for c in commands() if ("postgresql://" in c) == (backend == "postgresql")]
    where = str(tmp_path / "class.sqlite") if backend == "sqlite" else request.getfixturevalue("pg_url")
    a_class(where)
    for line in lines:
        args = shlex.split(line.replace("class.sqlite", where).replace("postgresql://grader@dbhost/calculus", where))
        result = runner.invoke(app, args[1:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (line, result.output)
        if "--list" in args:
            assert result.exit_code == 1 and "1 sent, 1 waiting, 1 refused" in result.output, result.output
        else:
            assert result.exit_code == 0 and "1 refused score(s) queued again" in result.output, result.output
    store = Store(where)
    assert [e.user_id for e in outbox.claim(store, "s1", time.time())] == ["u2", "u3"]  # both due now
    store.close()
