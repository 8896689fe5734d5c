"""A class database's answers, for grading as a batch (`grader grade --db class.sqlite`, or a
postgresql:// URL).

For each class student (every roster member, attempts or not) and each part of one sheet, the answer
that counts: the best-scored attempt; of equals, the last one graded; an unreadable attempt only when
there is nothing else. An answer the server could not check in time counts for nothing (the student was
told so, and it cost no attempt), never as the answer to grade. The server already shows that best
score, which comes with each answer (`points`), so that the export can check it gives the same. The
database is opened read-only, so exporting while the server runs is safe (SQLite's WAL; PostgreSQL's
read-only transactions).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from grader.core.errors import UsageError
from grader.serve.database import Connection, Location, Unavailable, location
from grader.serve.store import LTI_PREFIX, course_key

ROSTER = "class"  # what --course names the class mode's roster by


@dataclass(frozen=True)
class StudentAnswers:
    student: str  # the roster's student id
    seed: int  # the variants they were served
    answers: dict[str, str]  # part address -> answer text, in the order first answered
    name: str = ""  # the roster's name
    points: dict[str, float] = field(default_factory=dict)  # part address -> the points the server showed


@dataclass(frozen=True)
class Course:
    """One class a database holds: the class mode's roster, or an LMS course (LTI launches keep each
    course's students apart; one LMS user in two courses is two students)."""

    key: str  # what `grader grade --db … --course` takes: ROSTER, or the LMS course's key
    title: str  # as the LMS names it ('' when it did not)
    context_id: str  # the LMS's id of the course ('' for the roster)
    students: int

    def matches(self, given: str) -> bool:
        wanted = given.strip().casefold()
        return wanted in {self.key.casefold(), self.context_id.casefold()} or (bool(self.title)
                                                                               and wanted == self.title.casefold())


def courses(path: Path | str | Location) -> list[Course]:
    """The classes in the database, the roster first, then the LMS courses by title."""
    db = _open(path)
    try:
        ids = [str(r[0]) for r in db.execute("SELECT roster_id FROM students WHERE role = 'student'").fetchall()]
        titles = db.execute("SELECT issuer, context_id, MAX(context_title) FROM lti_users GROUP BY issuer, "
                            "context_id").fetchall() if "lti_users" in db.tables() else []
    except (sqlite3.DatabaseError, Unavailable) as err:
        raise UsageError(f"cannot read the database `{db.where.shown}`: {err}") from None
    finally:
        db.close()
    found: list[Course] = []
    roster = sum(1 for i in ids if not i.startswith(LTI_PREFIX))
    if roster:
        found.append(Course(ROSTER, "the class roster", "", roster))
    lms = []
    for issuer, context, title in titles:
        key = course_key(str(issuer), str(context))
        count = sum(1 for i in ids if i.startswith(f"{LTI_PREFIX}{key}:"))
        if count:
            lms.append(Course(key, str(title or ""), str(context), count))
    return found + sorted(lms, key=lambda c: (c.title.casefold(), c.key))


def _open(given: Path | str | Location) -> Connection:
    where = given if isinstance(given, Location) else location(given)
    path = where.shown
    if where.kind == "sqlite" and not where.path.is_file():
        raise UsageError(f"no such database: `{path}`", "give the file `grader serve --class` wrote with --db")
    try:
        db = Connection(where, read_only=True)
        if not {"students", "attempts", "schema_migrations"} <= db.tables():
            db.close()
            raise UsageError(f"`{path}` is not a grader serve database", "give the database `grader serve --db` used")
        columns = db.columns("students")
    except (sqlite3.DatabaseError, Unavailable) as err:
        raise UsageError(f"cannot read the database `{path}`: {err}") from None
    if "roster_id" not in columns:
        db.close()
        raise UsageError(f"`{path}` holds no class: it was written by an older grader serve", "start "
                         "`grader serve --class ROSTER.csv --db` on it once, then export again")
    return db


def sheet_ids(path: Path | str | Location) -> list[str]:
    """The sheets the class has answered, in order of their first attempt."""
    db = _open(path)
    try:
        rows = db.execute(
            "SELECT a.sheet_id FROM attempts a JOIN students s ON s.id = a.student_id WHERE s.role = 'student'"
            " GROUP BY a.sheet_id ORDER BY MIN(a.id)").fetchall()
    finally:
        db.close()
    return [str(r[0]) for r in rows]


def class_answers(path: Path | str | Location, sheet_id: str, course: Course | None = None) -> list[StudentAnswers]:
    """Every class student (of `course` only, when given: an LMS course's by the LMS's user id), sorted by
    id, with the answer that counts for each part of `sheet_id`. Raises UsageError when the file is not a
    class database or the class has no students."""
    db = _open(path)
    try:
        students = sorted(db.execute(  # sorted here: PostgreSQL's collation would order ids by its locale
            "SELECT id, roster_id, seed, name FROM students WHERE role = 'student'").fetchall(), key=lambda r: r[1])
        attempts = db.execute(
            "SELECT a.student_id, a.part, a.answer, a.points, a.counted, a.result_json FROM attempts a"
            " JOIN students s ON s.id = a.student_id"
            " WHERE s.role = 'student' AND a.sheet_id = ? AND a.seed = s.seed ORDER BY a.id", (sheet_id,)).fetchall()
    except (sqlite3.DatabaseError, Unavailable) as err:
        raise UsageError(f"cannot read the database `{db.where.shown}`: {err}") from None
    finally:
        db.close()
    if course is not None:
        prefix = f"{LTI_PREFIX}{course.key}:"
        students = sorted(((i, str(r).removeprefix(prefix), seed, name) for i, r, seed, name in students
                           if _in(course, str(r))), key=lambda r: r[1])
    if not students:
        raise UsageError(f"`{db.where.shown}` has no class students", "class mode is `grader serve --class "
                         f"ROSTER.csv --db {db.where.shown}`; a practice database has no roster to grade")
    best: dict[int, dict[str, tuple[float, int, int, str]]] = {}  # part -> (points, counted, order, text)
    for order, (student_id, part, text, points, counted, result) in enumerate(attempts):
        if not counted and _too_slow(str(result)):
            continue  # the server could not check it in time: the student was told, and it is no answer
        mine = best.setdefault(int(student_id), {})
        mine[part] = max(mine.get(part, (-1.0, 0, -1, "")), (float(points), int(counted), order, str(text)))
    return [StudentAnswers(str(roster_id), int(seed),
                           {part: rank[3] for part, rank in best.get(int(student_id), {}).items()}, str(name or ""),
                           {part: rank[0] for part, rank in best.get(int(student_id), {}).items()})
            for student_id, roster_id, seed, name in students]


def _in(course: Course, roster_id: str) -> bool:
    if course.key == ROSTER:
        return not roster_id.startswith(LTI_PREFIX)
    return roster_id.startswith(f"{LTI_PREFIX}{course.key}:")


def _too_slow(result_json: str) -> bool:
    try:
        return bool(json.loads(result_json).get("decided_by") in ("budget", "internal-error"))
    except (ValueError, AttributeError):
        return False
