"""Progress in SQLite: WAL mode, versioned migrations run once, attempts and reveals kept per student."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from grader.serve.store import MIGRATIONS, Store, default_path, token_hash


def result(status: str, points: float) -> dict[str, object]:
    return {"part": "sigmoid.a", "status": status, "score": points / 2, "points": points, "max_points": 2.0,
            "feedback": "words"}


def test_the_schema_is_versioned_and_migrations_run_once(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    Store(db).close()
    store = Store(db)  # opening again applies nothing twice
    assert store.version() == MIGRATIONS[-1][0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(attempts)")}
    assert {"student_id", "part", "variant", "answer", "status", "score", "feedback", "created_at"} <= columns


def test_attempts_and_reveals_belong_to_their_student(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite")
    token, alice = store.new_student()
    _, bob = store.new_student()
    assert store.student(token) == alice and store.student("guess") is None
    store.add_attempt(alice, "sheet", "", "x'); DROP TABLE attempts; --", result("incorrect", 0))
    store.add_attempt(alice, "sheet", "", "bad(", result("invalid", 0))
    store.reveal(alice, "sheet", "sigmoid.a", hint=True)
    store.reveal(alice, "sheet", "sigmoid.a", hint=True)
    mine = store.attempts(alice, "sheet")
    assert [(a.answer, a.counted) for a in mine] == [("x'); DROP TABLE attempts; --", True), ("bad(", False)]
    assert store.attempts(bob, "sheet") == []
    assert store.reveals(alice, "sheet")["sigmoid.a"].hints == 2 and store.reveals(bob, "sheet") == {}


def test_the_session_token_itself_is_not_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite")
    token, _ = store.new_student()
    dump = "\n".join(sqlite3.connect(tmp_path / "p.sqlite").iterdump())
    assert token not in dump and token_hash(token) in dump


def test_the_default_database_is_in_the_users_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "grader" / "serve.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "grader" / "serve.sqlite"
