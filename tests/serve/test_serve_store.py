"""Progress in SQLite: WAL mode, versioned migrations run once, attempts and reveals kept per student."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from grader.core.errors import UsageError
from grader.serve.database import Unavailable, location, migration
from grader.serve.store import MIGRATIONS, TABLES, Store, default_path, token_hash


def result(status: str, points: float) -> dict[str, object]:
    return {"part": "sigmoid.a", "status": status, "score": points / 2, "points": points, "max_points": 2.0,
            "feedback": "words"}


def test_the_schema_is_versioned_and_migrations_run_once_on_both_backends(class_db: str, query: Any) -> None:
    Store(class_db).close()
    store = Store(class_db)
    assert store.version() == MIGRATIONS[-1][0]
    assert query(class_db, "SELECT COUNT(*) FROM schema_migrations") == [(len(MIGRATIONS),)]
    assert store.counts() == dict.fromkeys(TABLES, 0)


def test_the_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    Store(db).close()
    store = Store(db)  # opening again applies nothing twice
    assert store.version() == MIGRATIONS[-1][0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(attempts)")}
    assert {"student_id", "part", "variant", "answer", "status", "score", "feedback", "created_at"} <= columns


def test_attempts_and_reveals_belong_to_their_student(class_db: str) -> None:
    store = Store(class_db)
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


def test_the_session_token_itself_is_not_stored(class_db: str, query: Any) -> None:
    store = Store(class_db)
    token, _ = store.new_student()
    dump = repr(query(class_db, "SELECT * FROM students")) + repr(query(class_db, "SELECT * FROM sessions"))
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
            for statement in migration(sql, "sqlite"):
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
    assert store.version() == MIGRATIONS[-1][0]
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT number FROM attempts ORDER BY id")] == [1, None, 2, 3, 4, 5]
    student = store.student("old-cookie")  # a practice browser keeps its progress
    assert student is not None and student.id == 1 and student.seed == 7


def _start(where: str) -> int:
    return Store(where).version()


@pytest.mark.system  # a pool of four spawned processes
def test_servers_starting_together_migrate_once(pg_url: str, query: Any) -> None:
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_start, [pg_url] * 4) == [MIGRATIONS[-1][0]] * 4
    assert query(pg_url, "SELECT COUNT(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


@pytest.mark.parametrize("given", ["postgresql://u@h/db", "postgres://u:secret@h:5433/db?sslmode=require"])
def test_a_postgresql_url_is_a_database_not_a_file_path(given: str) -> None:
    where = location(given)
    assert where.kind == "postgresql" and where.url.startswith("postgresql://") and "secret" not in where.shown


@pytest.mark.parametrize("given", ["class.sqlite", "~/c/class.sqlite", "C:\\class.sqlite", "./postgresql.sqlite"])
def test_a_path_is_a_sqlite_file(given: str) -> None:
    assert location(given).kind == "sqlite"


@pytest.mark.parametrize("given", ["mysql://u@h/db", "sqlite:///class.sqlite", "postgresql:class"])
def test_other_urls_are_refused_with_what_to_give(given: str) -> None:
    with pytest.raises(UsageError) as err:
        location(given)
    assert "postgresql://" in err.value.fix or "path" in err.value.fix


def test_a_postgresql_url_never_makes_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Unavailable):
        Store("postgresql://nobody@127.0.0.1:1/nothing")  # nothing listens on port 1
    assert list(tmp_path.iterdir()) == []


def test_rate_limits_are_counted_per_key(class_db: str) -> None:
    one, two = Store(class_db), Store(class_db)  # two servers on PostgreSQL share them
    assert [one.allow("s1", 3, 60.0) for _ in range(3)] == [True] * 3
    if one.shared:
        assert not two.allow("s1", 3, 60.0)
    assert not one.allow("s1", 3, 60.0) and two.allow("s2", 3, 60.0)


def _enrol(where: str, links: str, start: Any) -> None:
    from grader.serve import classroom

    store = Store(where)
    start.wait()
    classroom.enrol(store, [classroom.Member(f"s{i:03}", f"S{i}") for i in range(40)], Path(links), "http://h")


@pytest.mark.system  # a pool of three spawned processes and a multiprocessing manager process
def test_servers_starting_together_on_one_class_write_links_that_all_sign_in(pg_url: str, tmp_path: Path) -> None:
    import csv
    import multiprocessing

    links = tmp_path / "links.csv"
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(3) as pool:
        barrier = manager.Barrier(3)
        pool.starmap(_enrol, [(pg_url, str(links), barrier)] * 3)
    store = Store(pg_url)
    rows = list(csv.DictReader(links.open(encoding="utf-8")))
    assert len(rows) == 41
    assert all(store.by_link(row["link"].rsplit("/", 1)[1]) is not None for row in rows)


def test_an_answer_being_graded_by_a_killed_server_reopens_when_that_server_is_gone(pg_url: str, query: Any) -> None:
    from grader.serve.store import GONE

    first, second = Store(pg_url), Store(pg_url)  # two servers
    _, ada = first.new_student()
    held = first.claim(ada, "sheet", "sigmoid.a", 3, ())
    assert not isinstance(held, str)
    assert second.claim(ada, "sheet", "sigmoid.a", 3, ()) == "busy"  # the first is alive and grading it
    query(pg_url, "UPDATE servers SET seen_at = seen_at - ? WHERE id = ? RETURNING id", (GONE + 1, first.server))
    again = second.claim(ada, "sheet", "sigmoid.a", 3, ())  # the first was killed: the part reopens
    assert not isinstance(again, str) and again.number == 1
    assert not first.finish(held, "", "x", result("incorrect", 0))  # a late result of the lost claim is not stored
    assert second.finish(again, "", "y", result("incorrect", 0))
    assert [a.answer for a in second.attempts(ada, "sheet")] == ["y"]
    first.close()
    second.close()


def test_db_check_finds_a_migration_skipped_below_the_newest(tmp_path: Path) -> None:
    from grader.serve import operate

    db = tmp_path / "gap.sqlite"
    Store(db).close()
    assert operate.check(db).current
    skipped = MIGRATIONS[-2][0]  # as a database made when migration 7 shipped before 6 was merged
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = ?", (skipped,))
    health = operate.check(db)
    assert health.version == MIGRATIONS[-1][0] and health.missing == (skipped,) and not health.current
