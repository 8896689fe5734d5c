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


def test_a_database_of_the_previous_version_gets_numbered_attempts_and_keeps_practice_sessions(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as conn:  # as the server before version 3 left it: 5 attempts counted (a race)
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        for version, sql in MIGRATIONS[:2]:
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, 'then')", (version,))
        conn.execute("INSERT INTO students (id, token_hash, csrf, seed, created_at) VALUES (1, ?, 'c', 7, 'then')",
                     (token_hash("old-cookie"),))
        for status, counted in [("incorrect", 1), ("invalid", 0), ("incorrect", 1), ("incorrect", 1),
                                ("incorrect", 1), ("correct", 1)]:
            conn.execute("INSERT INTO attempts (student_id, sheet_id, part, seed, answer, status, score, points,"
                         " max_points, counted, feedback, result_json, created_at) VALUES"
                         " (1, 's', 'a', 7, 'x', ?, 0, 0, 2, ?, '', '{}', 'then')", (status, counted))
    store = Store(db)
    assert store.version() == 3
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT number FROM attempts ORDER BY id")] == [1, None, 2, 3, 4, 5]
    student = store.student("old-cookie")  # a practice browser keeps its progress
    assert student is not None and student.id == 1 and student.seed == 7
