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


@dataclass(frozen=True)
class StudentAnswers:
    student: str  # the roster's student id
    seed: int  # the variants they were served
    answers: dict[str, str]  # part address -> answer text, in the order first answered
    name: str = ""  # the roster's name
    points: dict[str, float] = field(default_factory=dict)  # part address -> the points the server showed


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


def class_answers(path: Path | str | Location, sheet_id: str) -> list[StudentAnswers]:
    """Every class student, sorted by id, with the answer that counts for each part of `sheet_id`.
    Raises UsageError when the file is not a class database or the class has no students."""
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


def _too_slow(result_json: str) -> bool:
    try:
        return bool(json.loads(result_json).get("decided_by") in ("budget", "internal-error"))
    except (ValueError, AttributeError):
        return False
