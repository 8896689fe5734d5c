"""Progress in SQLite: students (sessions), every attempt, and what was revealed (hints, solutions).

Standard-library sqlite3 in WAL mode, parameterised SQL only, a versioned schema: each migration runs
once, in order, and is recorded in `schema_migrations`. Every write commits before the server answers
(an acknowledged attempt is on disk). The attempts table already holds what class mode and export
need: student, sheet, part, variant, answer text, verdict, score, feedback, time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
        CREATE TABLE students (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the session token: the token itself is never stored
            csrf TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            seed INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            student_id INTEGER NOT NULL REFERENCES students(id),
            sheet_id TEXT NOT NULL,
            part TEXT NOT NULL,
            seed INTEGER NOT NULL,
            variant TEXT NOT NULL DEFAULT '',
            answer TEXT NOT NULL,
            status TEXT NOT NULL,
            score REAL NOT NULL,
            points REAL NOT NULL,
            max_points REAL NOT NULL,
            counted INTEGER NOT NULL,  -- 0 for an unreadable answer: it costs no attempt
            feedback TEXT NOT NULL,
            result_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX attempts_by_student ON attempts(student_id, sheet_id, seed, part);
        CREATE TABLE reveals (
            student_id INTEGER NOT NULL REFERENCES students(id),
            sheet_id TEXT NOT NULL,
            part TEXT NOT NULL,
            seed INTEGER NOT NULL,
            hints INTEGER NOT NULL DEFAULT 0,
            solution INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (student_id, sheet_id, part, seed)
        );
    """),
    (2, """
        ALTER TABLE students ADD COLUMN role TEXT NOT NULL DEFAULT 'practice';  -- practice | student | instructor
        ALTER TABLE students ADD COLUMN roster_id TEXT;  -- the roster's student id (class mode)
        CREATE UNIQUE INDEX students_by_roster_id ON students(roster_id) WHERE roster_id IS NOT NULL;
    """),
)


def default_path() -> Path:
    """$XDG_DATA_HOME/grader/serve.sqlite, else ~/.local/share/grader/serve.sqlite."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "grader" / "serve.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(token: str, stored: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored)


@dataclass(frozen=True)
class Student:
    id: int
    csrf: str
    seed: int
    role: str = "practice"
    roster_id: str = ""


@dataclass(frozen=True)
class Attempt:
    part: str
    answer: str
    status: str
    points: float
    max_points: float
    counted: bool
    feedback: str
    result: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class Reveal:
    hints: int = 0
    solution: bool = False


class Store:
    """One connection shared by the server's threads, behind a lock (writes are short)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an acknowledged attempt survives a power cut too
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
            for version, sql in MIGRATIONS:
                if version in done:
                    continue
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in sql.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, _now()))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

    def version(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- students ---------------------------------------------------------------------------------

    def new_student(self) -> tuple[str, Student]:
        """A new session: its secret token (for the cookie) and the student it names."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        seed = secrets.randbelow(1_000_000)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO students (token_hash, csrf, seed, created_at) VALUES (?, ?, ?, ?)",
                (token_hash(token), csrf, seed, _now()))
        return token, Student(int(cursor.lastrowid or 0), csrf, seed)

    def student(self, token: str) -> Student | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, csrf, seed, role, roster_id FROM students WHERE token_hash = ?",
                (token_hash(token),)).fetchone()
        return Student(int(row[0]), str(row[1]), int(row[2]), str(row[3]), str(row[4] or "")) if row else None

    def enrol(self, roster_id: str, name: str, role: str, seed: int, token: str | None) -> str | None:
        """Make sure the roster's member exists. `token` is the link they were sent before: kept if it
        still signs them in; otherwise (new member, or the link was lost) a new token is returned."""
        with self._lock:
            row = self._db.execute("SELECT id, token_hash FROM students WHERE roster_id = ?", (roster_id,)).fetchone()
            if row is not None and token is not None and same_hash(token, str(row[1])):
                self._db.execute("UPDATE students SET name = ? WHERE id = ?", (name, row[0]))
                return None
            fresh = secrets.token_urlsafe(32)
            if row is None:
                self._db.execute(
                    "INSERT INTO students (token_hash, csrf, name, seed, created_at, role, roster_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (token_hash(fresh), secrets.token_urlsafe(32), name, seed, _now(), role, roster_id))
            else:
                self._db.execute("UPDATE students SET token_hash = ?, name = ? WHERE id = ?",
                                 (token_hash(fresh), name, row[0]))
            return fresh

    def count_students(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM students").fetchone()[0])

    # --- attempts ---------------------------------------------------------------------------------

    def add_attempt(self, student: Student, sheet_id: str, variant: str, answer: str, result: dict[str, Any]) -> None:
        """Record one graded answer; committed when this returns."""
        counted = result["status"] != "invalid"
        with self._lock:
            self._db.execute(
                "INSERT INTO attempts (student_id, sheet_id, part, seed, variant, answer, status, score, points,"
                " max_points, counted, feedback, result_json, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (student.id, sheet_id, result["part"], student.seed, variant, answer, result["status"],
                 float(result["score"]), float(result["points"]), float(result["max_points"]), int(counted),
                 result["feedback"], json.dumps(result, default=str), _now()))

    def attempts(self, student: Student, sheet_id: str) -> list[Attempt]:
        """This student's attempts on a sheet (its current variant), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT part, answer, status, points, max_points, counted, feedback, result_json, created_at"
                " FROM attempts WHERE student_id = ? AND sheet_id = ? AND seed = ? ORDER BY id",
                (student.id, sheet_id, student.seed)).fetchall()
        return [Attempt(r[0], r[1], r[2], float(r[3]), float(r[4]), bool(r[5]), r[6], json.loads(r[7]), r[8])
                for r in rows]

    def class_rows(self, after: int = 0) -> list[tuple[int, str, str, str, str, str, str, float, str, int]]:
        """The class students' attempts stored after attempt id `after`, oldest first: (attempt id,
        roster id, sheet, part, variant, answer, status, points, result JSON, seed)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.id, s.roster_id, a.sheet_id, a.part, a.variant, a.answer, a.status, a.points, a.result_json,"
                " a.seed FROM attempts a JOIN students s ON s.id = a.student_id"
                " WHERE s.role = 'student' AND a.id > ? ORDER BY a.id", (after,)).fetchall()
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), float(r[7]), str(r[8]),
                 int(r[9])) for r in rows]

    # --- hints and solutions shown ----------------------------------------------------------------

    def reveal(self, student: Student, sheet_id: str, part: str, *, hint: bool = False, solution: bool = False) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO reveals (student_id, sheet_id, part, seed, hints, solution) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT (student_id, sheet_id, part, seed) DO UPDATE SET"
                " hints = hints + excluded.hints, solution = MAX(solution, excluded.solution)",
                (student.id, sheet_id, part, student.seed, int(hint), int(solution)))

    def reveals(self, student: Student, sheet_id: str) -> dict[str, Reveal]:
        with self._lock:
            rows = self._db.execute(
                "SELECT part, hints, solution FROM reveals WHERE student_id = ? AND sheet_id = ? AND seed = ?",
                (student.id, sheet_id, student.seed)).fetchall()
        return {r[0]: Reveal(int(r[1]), bool(r[2])) for r in rows}
