"""Progress in SQLite or PostgreSQL: students, their sessions, every attempt, and what was revealed
(hints, solutions), and the rate limits several servers share.

SQLite (standard library, WAL mode) or PostgreSQL (psycopg 3) through `database.Connection`: the same
parameterised SQL on both, one versioned schema: each migration runs once, in order (one server at a
time: a lock), and is recorded in `schema_migrations`. Every write commits before the server answers
(an acknowledged attempt is on disk). The attempts table already holds what class mode and export
need: student, sheet, part, variant, answer text, verdict, score, feedback, time.

The attempt limit is a fact of the database, not of a Python check: an answer is graded only after
`claim` has, in one transaction, checked that the part is open, that no other answer of the student's
to it is in flight (the `grading` table's key), and given it its attempt number; `finish` stores the
graded attempt under that number (unique per student and part) in another. Several server threads or
processes on one database cannot both take the third attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.serve.database import Connection, Location, location, migration
from grader.serve.security import RateLimit

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
        CREATE TABLE students (
            id {id},
            token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the session token: the token itself is never stored
            csrf TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            seed INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE attempts (
            id {id},
            student_id INTEGER NOT NULL REFERENCES students(id),
            sheet_id TEXT NOT NULL,
            part TEXT NOT NULL,
            seed INTEGER NOT NULL,
            variant TEXT NOT NULL DEFAULT '',
            answer TEXT NOT NULL,
            status TEXT NOT NULL,
            score {real} NOT NULL,
            points {real} NOT NULL,
            max_points {real} NOT NULL,
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
    (3, """
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,  -- sha256 of the session cookie: its own random value, never a link's
            student_id INTEGER NOT NULL REFERENCES students(id),
            created_at TEXT NOT NULL,
            expires_at {real} NOT NULL  -- seconds since the epoch
        );
        INSERT INTO sessions (token_hash, student_id, created_at, expires_at)
            SELECT token_hash, id, created_at, {epoch} + 400 * 86400
            FROM students WHERE role = 'practice';
        ALTER TABLE attempts ADD COLUMN number INTEGER;  -- the attempt number, NULL for one that costs none
        UPDATE attempts SET number = (
            SELECT n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY student_id, sheet_id, part, seed ORDER BY id) AS n
                           FROM attempts WHERE counted = 1) AS numbered WHERE numbered.id = attempts.id)
            WHERE counted = 1;
        CREATE UNIQUE INDEX attempts_numbered ON attempts(student_id, sheet_id, part, seed, number)
            WHERE number IS NOT NULL;
        CREATE TABLE grading (
            student_id INTEGER NOT NULL REFERENCES students(id),
            sheet_id TEXT NOT NULL,
            part TEXT NOT NULL,
            seed INTEGER NOT NULL,
            claim TEXT NOT NULL,
            number INTEGER NOT NULL,
            claimed_at {real} NOT NULL,
            PRIMARY KEY (student_id, sheet_id, part, seed)
        );
    """),
    (4, """
        CREATE TABLE rates (  -- events per key (a student, an address) per window, shared by every server
            key TEXT NOT NULL,
            slot INTEGER NOT NULL,  -- the window: seconds since the epoch // its length
            count INTEGER NOT NULL,
            PRIMARY KEY (key, slot)
        )
    """),
    (5, """
        CREATE TABLE servers (  -- each running server process, seen every few seconds while it lives
            id TEXT PRIMARY KEY,
            seen_at {real} NOT NULL
        );
        -- the server grading an answer ('': not known). No comment after ADD COLUMN: SQLite keeps its text
        ALTER TABLE grading ADD COLUMN server TEXT NOT NULL DEFAULT ''
    """),
    (6, """
        CREATE TABLE lti_keys (  -- the tool's RSA keys (LTI), made at first start: the newest signs
            kid TEXT PRIMARY KEY,
            private_jwk TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE lti_states (  -- LTI logins sent to the platform, until their launch comes back (once)
            state_hash TEXT PRIMARY KEY,
            nonce TEXT NOT NULL,
            issuer TEXT NOT NULL,
            client_id TEXT NOT NULL,
            redirect TEXT NOT NULL,  -- the platform's authorisation URL with this state and nonce
            moved INTEGER NOT NULL DEFAULT 0,  -- 1 once it was bound to a new tab's browser
            expires_at {real} NOT NULL
        );
        CREATE TABLE lti_nonces (  -- nonces of id_tokens that launched: the same token again is a replay
            nonce TEXT PRIMARY KEY,
            expires_at {real} NOT NULL
        );
        CREATE TABLE lti_users (  -- an LMS user in one course: a student of their own (courses kept apart)
            issuer TEXT NOT NULL,
            context_id TEXT NOT NULL,  -- '' for a launch without a course
            sub TEXT NOT NULL,
            student_id INTEGER NOT NULL REFERENCES students(id),
            email TEXT NOT NULL DEFAULT '',
            context_title TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (issuer, context_id, sub)
        );
        CREATE TABLE lti_grades (  -- the AGS claim of a launch: where this student's score for the resource goes
            issuer TEXT NOT NULL,
            client_id TEXT NOT NULL,
            deployment_id TEXT NOT NULL,
            context_id TEXT NOT NULL,
            resource_link_id TEXT NOT NULL,
            student_id INTEGER NOT NULL REFERENCES students(id),
            user_id TEXT NOT NULL,  -- the platform's `sub`
            sheet_id TEXT NOT NULL,
            scope TEXT NOT NULL DEFAULT '',  -- a question or part the resource is limited to, '' for the sheet
            lineitem TEXT NOT NULL DEFAULT '',
            lineitems TEXT NOT NULL DEFAULT '',
            scopes TEXT NOT NULL DEFAULT '',  -- space-separated
            token_url TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (issuer, client_id, deployment_id, context_id, resource_link_id, student_id)
        );
        CREATE INDEX lti_grades_by_student ON lti_grades(student_id, sheet_id)
    """),
    (7, """
        CREATE TABLE outbox (  -- one score for one LMS user on one line item, as it stood after a graded answer
            id {id},
            issuer TEXT NOT NULL,  -- the ScoreTarget: platform, the tool's client id there, its token URL,
            client_id TEXT NOT NULL,
            token_url TEXT NOT NULL,
            lineitem_url TEXT NOT NULL,  -- and the line item the score is for
            user_id TEXT NOT NULL,  -- the LMS user (the launch's sub)
            score_given {real} NOT NULL,
            score_maximum {real} NOT NULL,
            activity TEXT NOT NULL,
            grading TEXT NOT NULL,
            stamp TEXT NOT NULL,  -- the score's timestamp, ISO 8601 UTC with ms: newer sorts later
            state TEXT NOT NULL,  -- pending | sending | sent | failed | superseded (a newer one replaced it)
            tries INTEGER NOT NULL DEFAULT 0,
            due_at {real} NOT NULL,  -- not tried before (seconds since the epoch): backoff, Retry-After
            claimed_by TEXT NOT NULL DEFAULT '',  -- the server sending it (state sending)
            claimed_until {real} NOT NULL DEFAULT 0,  -- after this a killed server's claim holds nothing
            error TEXT NOT NULL DEFAULT '',  -- the last try's failure, in the platform's words
            created_at TEXT NOT NULL,
            sent_at TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX outbox_due ON outbox(state, due_at);
        CREATE INDEX outbox_by_user ON outbox(lineitem_url, user_id, state)
    """),
)
# every table but schema_migrations
TABLES = ("students", "sessions", "attempts", "reveals", "grading", "rates", "servers", "lti_keys", "lti_states",
          "lti_nonces", "lti_users", "lti_grades", "outbox")
BEAT = 3.0  # seconds between a server's signs of life (PostgreSQL)
GONE = 12.0  # a server not seen for this long was killed: the answers it was grading reopen
LTI_PREFIX = "lti:"  # an LMS user's roster id: `lti:<course>:<sub>` (serve/lti/records.py)
STALE_CLAIM = 300.0  # seconds after which an answer still "in flight" was lost (a killed server): the part reopens


def default_path() -> Path:
    """$XDG_DATA_HOME/grader/serve.sqlite, else ~/.local/share/grader/serve.sqlite."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "grader" / "serve.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def course_key(issuer: str, context_id: str) -> str:
    """A short stable name for one course of one LMS (an LMS user's roster id starts with it)."""
    return hashlib.sha256(f"{issuer}\n{context_id}".encode()).hexdigest()[:12]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(token: str, stored: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored)


def derived(token: str, what: str) -> str:
    """A value bound to a session token that cannot be turned back into it (its CSRF token, its seed)."""
    return hmac.new(token.encode(), what.encode(), hashlib.sha256).hexdigest()


def visitor_seed(token: str) -> int:
    """The variants a practice visitor sees before their first answer stores them (and then keeps)."""
    return int(derived(token, "seed")[:12], 16) % 1_000_000


@dataclass(frozen=True)
class Student:
    id: int  # 0: a practice visitor not stored yet (they are, at their first answer)
    csrf: str  # this session's: a form from another session (or signed out) is refused
    seed: int
    role: str = "practice"
    roster_id: str = ""
    name: str = ""
    token: str = ""  # the session cookie (never shown): what signs this browser out
    expires: float = 0.0  # when the session ends (seconds since the epoch)

    @property
    def from_lms(self) -> bool:
        """An LMS user (LTI launch): their session cookie must work inside the LMS page's frame."""
        return self.roster_id.startswith(LTI_PREFIX)

    @property
    def course(self) -> str | None:
        """An LMS user's course (a short key of the platform and its course id); None for anyone else."""
        return self.roster_id[len(LTI_PREFIX):].split(":", 1)[0] if self.from_lms else None

    @property
    def shown(self) -> str:
        """How the page header names a class member: `Ada Lovelace (s001)`; an LMS user by name."""
        if self.from_lms:
            return self.name
        if self.name and self.roster_id and not self.roster_id.startswith("*"):
            return f"{self.name} ({self.roster_id})"
        return self.name or self.roster_id


@dataclass(frozen=True)
class Claim:
    """An answer allowed to be graded: its attempt number, and the key that stores its result."""
    student_id: int
    sheet_id: str
    part: str
    seed: int
    number: int
    key: str


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


def _student(row: tuple[Any, ...], token: str) -> Student:
    return Student(int(row[0]), derived(token, "csrf") if token else "", int(row[1]), str(row[2]), str(row[3] or ""),
                   str(row[4] or ""), token, float(row[5]) if len(row) > 5 else 0.0)


class Store:
    """A class's progress in SQLite or PostgreSQL (`database.location`); the rest of the server does not
    know which. Every method is one short transaction; a database that cannot be reached raises
    `database.Unavailable` (nothing of that call was stored)."""

    def __init__(self, where: Path | str | Location) -> None:
        self.where = where if isinstance(where, Location) else location(where)
        self.path = self.where.path
        self._db = Connection(self.where)
        self._local_rates: dict[tuple[str, float], RateLimit] = {}
        self._rates_lock = threading.Lock()
        self.server = secrets.token_hex(8)  # this process's name in `servers` and on its claims
        self._beating: threading.Thread | None = None
        self._closed = threading.Event()
        self._migrate()

    @property
    def shared(self) -> bool:
        """Several servers may serve this class at once (PostgreSQL): none may forget another's claims."""
        return self.where.kind == "postgresql"

    def _migrate(self) -> None:
        with self._db.session_lock("grader:migrate"):  # two servers starting together: one migrates
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations").fetchall()}
            for version, sql in MIGRATIONS:
                if version in done:
                    continue
                with self._db.write():
                    self._db.script(migration(sql, self.where.kind))
                    self._db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, _now()))

    @property
    def connection(self) -> Connection:
        """The connection itself, for the LTI records (serve/lti/records.py), which keep their SQL there."""
        return self._db

    def exclusive(self, key: str) -> AbstractContextManager[None]:
        """Held by one server at a time (PostgreSQL; SQLite: one server anyway), across several
        transactions: servers starting together enrol the roster one after the other."""
        return self._db.session_lock(key)

    def version(self) -> int:
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        self._closed.set()
        if self._beating is not None:
            self._beating.join()
        self._db.close()

    def _beat(self) -> None:
        self._db.execute("INSERT INTO servers (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE"
                         " SET seen_at = excluded.seen_at", (self.server, time.time()))

    def _keep_beating(self) -> None:
        """While this store is open: say every BEAT seconds that this server lives (from its first claim;
        an outage only delays the next sign), and forget servers gone for an hour."""
        while not self._closed.wait(BEAT):
            try:
                self._beat()
                if secrets.randbelow(100) == 0:
                    self._db.execute("DELETE FROM servers WHERE seen_at < ?", (time.time() - 3600,))
            except Exception:  # an outage, a database being restored: the next beat tries again
                pass

    # --- students ---------------------------------------------------------------------------------

    def _student_row(self, where: str, value: object) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(
            f"SELECT id, seed, role, roster_id, name FROM students WHERE {where}", (value,)).fetchone()
        return row

    def _open(self, student_id: int, seconds: float) -> str:
        token = secrets.token_urlsafe(32)
        self._db.execute("INSERT INTO sessions (token_hash, student_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                         (token_hash(token), student_id, _now(), time.time() + seconds))
        return token

    def _insert_student(self, seed: int) -> int:
        row = self._db.execute("INSERT INTO students (token_hash, csrf, seed, created_at) VALUES (?, ?, ?, ?)"
                               " RETURNING id", (token_hash(secrets.token_urlsafe(32)), "", seed, _now())).fetchone()
        return int(row[0])

    def new_student(self, seconds: float = 30 * 86400) -> tuple[str, Student]:
        """A practice student stored at once, with a session: its cookie token and the student."""
        with self._db.write():
            token = self._open(self._insert_student(secrets.randbelow(1_000_000)), seconds)
        found = self.student(token)
        assert found is not None
        return token, found

    def student(self, token: str) -> Student | None:
        """Whom a session cookie signs in, while its session has not expired or been signed out."""
        row = self._db.execute(
            "SELECT s.id, s.seed, s.role, s.roster_id, s.name, x.expires_at FROM sessions x"
            " JOIN students s ON s.id = x.student_id WHERE x.token_hash = ? AND x.expires_at > ?",
            (token_hash(token), time.time())).fetchone()
        return _student(row, token) if row else None

    def practice_student(self, token: str, seconds: float) -> Student:
        """The practice student a visitor's cookie names, stored now if it is their first answer (with the
        seed of the variants they were shown): a visit alone stores nothing."""
        with self._db.write(token_hash(token)):
            row = self._db.execute(
                "SELECT s.id, s.seed, s.role, s.roster_id, s.name FROM sessions x JOIN students s"
                " ON s.id = x.student_id WHERE x.token_hash = ?", (token_hash(token),)).fetchone()
            if row is None:
                new = self._insert_student(visitor_seed(token))
                self._db.execute(
                    "INSERT INTO sessions (token_hash, student_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    (token_hash(token), new, _now(), time.time() + seconds))
                row = (new, visitor_seed(token), "practice", None, "")
        return _student(row, token)

    def by_link(self, link: str) -> Student | None:
        """The class member a sign-in link names (no session: `sign_in` opens one)."""
        row = self._student_row("token_hash = ? AND role != 'practice'", token_hash(link))
        return _student(row, "") if row else None

    def sign_in(self, student: Student, seconds: float) -> str:
        """A new session for `student`, ending after `seconds`: its cookie token."""
        return self._open(student.id, seconds)

    def renew(self, token: str, seconds: float) -> None:
        self._db.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
                         (time.time() + seconds, token_hash(token)))

    def sign_out(self, token: str) -> None:
        """End this session (the browser's); other sessions of the student, and their link, go on."""
        self._db.execute("DELETE FROM sessions WHERE token_hash = ? OR expires_at < ?",
                         (token_hash(token), time.time()))

    def enrol(self, roster_id: str, name: str, role: str, seed: int, token: str | None) -> tuple[str | None, bool]:
        """Make sure the roster's member exists. `token` is the link they were sent before: kept if it
        still signs them in; otherwise (new member, or the link was lost) a new token is returned, with
        whether it replaced a link the member had (which then signs nobody in)."""
        with self._db.write("roster:" + roster_id):
            row = self._db.execute("SELECT id, token_hash FROM students WHERE roster_id = ?", (roster_id,)).fetchone()
            if row is not None and token is not None and same_hash(token, str(row[1])):
                self._db.execute("UPDATE students SET name = ? WHERE id = ?", (name, row[0]))
                return None, False
            fresh = secrets.token_urlsafe(32)
            if row is None:
                self._db.execute(
                    "INSERT INTO students (token_hash, csrf, name, seed, created_at, role, roster_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (token_hash(fresh), "", name, seed, _now(), role, roster_id))
            else:
                self._db.execute("UPDATE students SET token_hash = ?, name = ? WHERE id = ?",
                                 (token_hash(fresh), name, row[0]))
                self._db.execute("DELETE FROM sessions WHERE student_id = ?", (row[0],))  # a new link: old sessions end
            return fresh, row is not None

    def roster(self) -> list[tuple[str, str]]:
        """The class students as (roster id, name), by id."""
        rows = self._db.execute("SELECT roster_id, name FROM students WHERE role = 'student'").fetchall()
        return sorted((str(r[0]), str(r[1])) for r in rows)  # here: PostgreSQL would sort by its locale

    def count_students(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM students").fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Rows per table, for `grader db check` and `db copy`."""
        return {table: int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]) for table in TABLES}

    # --- rate limits ------------------------------------------------------------------------------

    def allow(self, key: str, count: int, seconds: float) -> bool:
        """At most `count` events per `seconds` for `key`. Shared by every server on PostgreSQL (a window
        and its predecessor, weighted: a sliding window to within a few events); on SQLite, where one
        server serves, kept in its memory (a preview must not cost a disk write)."""
        if not self.shared:
            with self._rates_lock:
                limit = self._local_rates.setdefault((key, seconds), RateLimit(count, seconds))
            return limit.allow(key)
        now = time.time()
        slot = int(now // seconds)
        with self._db.write():
            current = int(self._db.execute(
                "INSERT INTO rates (key, slot, count) VALUES (?, ?, 1) ON CONFLICT (key, slot)"
                " DO UPDATE SET count = rates.count + 1 RETURNING count", (key, slot)).fetchone()[0])
            before = self._db.execute("SELECT count FROM rates WHERE key = ? AND slot = ?", (key, slot - 1)).fetchone()
            weight = 1.0 - (now / seconds - slot)
            allowed = current + (int(before[0]) * weight if before else 0.0) <= count
            if not allowed:  # a refused event does not count
                self._db.execute("UPDATE rates SET count = count - 1 WHERE key = ? AND slot = ?", (key, slot))
            self._db.execute("DELETE FROM rates WHERE key = ? AND slot < ?", (key, slot - 1))  # its old windows
        return allowed

    def spend(self, key: str, seconds: float) -> None:
        """Add worker time used by `key` (a student, an address) this minute, for every server to see
        (PostgreSQL; on SQLite the one server's workers keep it)."""
        if self.shared and seconds > 0:
            slot = int(time.time() // 60)
            self._db.execute("INSERT INTO rates (key, slot, count) VALUES (?, ?, ?) ON CONFLICT (key, slot)"
                             " DO UPDATE SET count = rates.count + excluded.count",
                             ("used:" + key, slot, max(1, round(seconds * 1000))))

    def spent(self, key: str) -> float:
        """Seconds of worker time `key` used in about the last minute, on every server (0 on SQLite)."""
        if not self.shared:
            return 0.0
        now = time.time()
        slot = int(now // 60)
        rows = {int(r[0]): int(r[1]) for r in self._db.execute(
            "SELECT slot, count FROM rates WHERE key = ? AND slot >= ?", ("used:" + key, slot - 1)).fetchall()}
        return (rows.get(slot, 0) + rows.get(slot - 1, 0) * (1.0 - (now / 60 - slot))) / 1000

    # --- attempts ---------------------------------------------------------------------------------

    def claim(self, student: Student, sheet_id: str, part: str, limit: int, enders: tuple[str, ...],
              stale: float = STALE_CLAIM, in_flight: int = 0) -> Claim | str:
        """Let one answer to `part` be graded, or say why not, in one transaction: "correct" (already
        answered right), "used" (no attempts left), "ended" (a solution in `enders`, the part's own or its
        group's, was shown), "busy" (another answer of theirs to it is being graded, or `in_flight` of
        theirs to any part, when given). The Claim's number is the attempt this one will be if it counts.
        A claim older than `stale` seconds, or whose server has not been seen for GONE seconds, was lost
        (a killed server) and no longer holds the part."""
        key = secrets.token_hex(8)
        now = time.time()
        where = (student.id, sheet_id, part, student.seed)
        with self._db.write(f"student:{student.id}"):  # no other server reads-then-writes this student meanwhile
            done = self._db.execute(
                "SELECT COALESCE(SUM(counted), 0), COALESCE(MAX(CASE WHEN status = 'correct' THEN 1 ELSE 0 END), 0)"
                " FROM attempts WHERE student_id = ? AND sheet_id = ? AND part = ? AND seed = ?", where).fetchone()
            marks = ",".join("?" * len(enders))
            ended = enders and self._db.execute(
                f"SELECT 1 FROM reveals WHERE student_id = ? AND sheet_id = ? AND seed = ? AND solution = 1"
                f" AND part IN ({marks})", (student.id, sheet_id, student.seed, *enders)).fetchone()
            live = (" AND g.claimed_at > ? AND (g.server = '' OR g.server = ? OR EXISTS (SELECT 1 FROM servers v"
                    " WHERE v.id = g.server AND v.seen_at > ?))")  # a claim of a killed server holds nothing
            alive = (now - stale, self.server, now - GONE)
            busy = self._db.execute(
                "SELECT 1 FROM grading g WHERE g.student_id = ? AND g.sheet_id = ? AND g.part = ? AND g.seed = ?"
                + live, (*where, *alive)).fetchone()
            if not busy and in_flight:
                busy = int(self._db.execute("SELECT COUNT(*) FROM grading g WHERE g.student_id = ?" + live,
                                            (student.id, *alive)).fetchone()[0]) >= in_flight
            why = ("correct" if done[1] else "used" if int(done[0]) >= limit else "ended" if ended else
                   "busy" if busy else "")
            if not why:
                self._db.execute(
                    "INSERT INTO grading (student_id, sheet_id, part, seed, claim, number, claimed_at, server)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (student_id, sheet_id, part, seed) DO UPDATE"
                    " SET claim = excluded.claim, number = excluded.number, claimed_at = excluded.claimed_at,"
                    " server = excluded.server",
                    (*where, key, int(done[0]) + 1, now, self.server if self.shared else ""))
                if self.shared:
                    self._beat()  # seen now, and from now on every BEAT seconds
        if not why and self.shared and self._beating is None:
            with self._rates_lock:
                if self._beating is None:
                    self._beating = threading.Thread(target=self._keep_beating, daemon=True, name="grader-beat")
                    self._beating.start()
        return why or Claim(student.id, sheet_id, part, student.seed, int(done[0]) + 1, key)

    def finish(self, claim: Claim, variant: str, answer: str, result: dict[str, Any]) -> bool:
        """Store the graded answer of `claim` (numbered if it counts) and end the claim, in one
        transaction; False (nothing stored) when the claim was no longer current."""
        counted = result["status"] != "invalid"
        where = (claim.student_id, claim.sheet_id, claim.part, claim.seed, claim.key)
        with self._db.write(f"student:{claim.student_id}"):
            gone = self._db.execute(
                "DELETE FROM grading WHERE student_id = ? AND sheet_id = ? AND part = ? AND seed = ? AND claim = ?",
                where).rowcount == 0
            if not gone:
                self._insert(claim.student_id, claim.sheet_id, claim.seed, variant, answer, result,
                             claim.number if counted else None)
        return not gone

    def release(self, claim: Claim) -> None:
        """End a claim without storing anything (grading was refused or failed before a result)."""
        self._db.execute("DELETE FROM grading WHERE student_id = ? AND sheet_id = ? AND part = ? AND seed = ?"
                         " AND claim = ?", (claim.student_id, claim.sheet_id, claim.part, claim.seed, claim.key))

    def clear_claims(self) -> int:
        """Forget every answer in flight: at a server's start none is (a killed server's were lost). Only
        for a database one server uses (not `shared`): others' claims age out after `stale` instead."""
        return int(self._db.execute("DELETE FROM grading").rowcount)

    def add_attempt(self, student: Student, sheet_id: str, variant: str, answer: str, result: dict[str, Any]) -> None:
        """Record one graded answer under the next number (no limit: for tests and tools); committed
        when this returns. The server goes through `claim` and `finish`."""
        with self._db.write(f"student:{student.id}"):
            number = None
            if result["status"] != "invalid":
                number = 1 + int(self._db.execute(
                    "SELECT COUNT(*) FROM attempts WHERE student_id = ? AND sheet_id = ? AND part = ? AND seed = ?"
                    " AND counted = 1", (student.id, sheet_id, result["part"], student.seed)).fetchone()[0])
            self._insert(student.id, sheet_id, student.seed, variant, answer, result, number)

    def _insert(self, student_id: int, sheet_id: str, seed: int, variant: str, answer: str, result: dict[str, Any],
                number: int | None) -> None:
        self._db.execute(
            "INSERT INTO attempts (student_id, sheet_id, part, seed, variant, answer, status, score, points,"
            " max_points, counted, feedback, result_json, created_at, number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (student_id, sheet_id, result["part"], seed, variant, answer, result["status"],
             float(result["score"]), float(result["points"]), float(result["max_points"]), int(number is not None),
             result["feedback"], json.dumps(result, default=str), _now(), number))

    def attempts(self, student: Student, sheet_id: str) -> list[Attempt]:
        """This student's attempts on a sheet (its current variant), oldest first."""
        if not student.id:
            return []
        rows = self._db.execute(
            "SELECT part, answer, status, points, max_points, counted, feedback, result_json, created_at"
            " FROM attempts WHERE student_id = ? AND sheet_id = ? AND seed = ? ORDER BY id",
            (student.id, sheet_id, student.seed)).fetchall()
        return [Attempt(r[0], r[1], r[2], float(r[3]), float(r[4]), bool(r[5]), r[6], json.loads(r[7]), r[8])
                for r in rows]

    def class_rows(self, after: int = 0, missing: tuple[int, ...] = ()
                   ) -> list[tuple[int, str, str, str, str, str, str, float, str, int]]:
        """The class students' attempts stored after attempt id `after` (or with an id in `missing`),
        oldest first: (attempt id, roster id, sheet, part, variant, answer, status, points, result JSON,
        seed). On PostgreSQL ids are handed out before commit, so a later id may be read before an
        earlier one is committed: the caller asks again for the ids it has not seen (`missing`)."""
        also = f" OR a.id IN ({','.join('?' * len(missing))})" if missing else ""
        rows = self._db.execute(
            "SELECT a.id, s.roster_id, a.sheet_id, a.part, a.variant, a.answer, a.status, a.points, a.result_json,"
            " a.seed FROM attempts a JOIN students s ON s.id = a.student_id"
            f" WHERE s.role = 'student' AND (a.id > ?{also}) ORDER BY a.id", (after, *missing)).fetchall()
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), float(r[7]), str(r[8]),
                 int(r[9])) for r in rows]

    # --- hints and solutions shown ----------------------------------------------------------------

    def reveal(self, student: Student, sheet_id: str, part: str, *, hint: bool = False, solution: bool = False) -> None:
        self._db.execute(
            "INSERT INTO reveals (student_id, sheet_id, part, seed, hints, solution) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT (student_id, sheet_id, part, seed) DO UPDATE SET hints = reveals.hints + excluded.hints,"
            " solution = CASE WHEN excluded.solution > reveals.solution THEN excluded.solution"
            " ELSE reveals.solution END",
            (student.id, sheet_id, part, student.seed, int(hint), int(solution)))

    def reveals(self, student: Student, sheet_id: str) -> dict[str, Reveal]:
        if not student.id:
            return {}
        rows = self._db.execute(
            "SELECT part, hints, solution FROM reveals WHERE student_id = ? AND sheet_id = ? AND seed = ?",
            (student.id, sheet_id, student.seed)).fetchall()
        return {r[0]: Reveal(int(r[1]), bool(r[2])) for r in rows}
