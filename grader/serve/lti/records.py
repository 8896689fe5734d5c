"""What LTI keeps in the class database (migration 6): logins in progress (state and nonce, single
use), nonces that launched, the LMS users (one student per user and course), and where each
student's score for a resource goes (the AGS claim of their last launch of it)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from grader.serve.lti.launch import Launch
from grader.serve.store import LTI_PREFIX, Store, Student, course_key, token_hash
from grader.sheets.variants import seed_for_student

LOGIN_SECONDS = 600.0  # a login must come back as a launch within this


@dataclass(frozen=True)
class Login:
    nonce: str
    issuer: str
    client_id: str
    redirect: str
    moved: bool


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def start_login(store: Store, state: str, nonce: str, issuer: str, client_id: str, redirect: str) -> None:
    now = time.time()
    db = store.connection
    db.execute("DELETE FROM lti_states WHERE expires_at < ?", (now,))
    db.execute("DELETE FROM lti_nonces WHERE expires_at < ?", (now,))
    db.execute("INSERT INTO lti_states (state_hash, nonce, issuer, client_id, redirect, expires_at)"
               " VALUES (?, ?, ?, ?, ?, ?)",
               (token_hash(state), nonce, issuer, client_id, redirect, now + LOGIN_SECONDS))


def login(store: Store, state: str) -> Login | None:
    """A login started and not yet used or expired."""
    row = store.connection.execute(
        "SELECT nonce, issuer, client_id, redirect, moved FROM lti_states WHERE state_hash = ? AND expires_at > ?",
        (token_hash(state), time.time())).fetchone()
    return Login(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4])) if row else None


def move_login(store: Store, state: str) -> str | None:
    """Let a new tab take over a login once (its browser then holds the state cookie): the platform's
    authorisation URL, or None if it was moved already, used or expired."""
    row = store.connection.execute(
        "UPDATE lti_states SET moved = 1 WHERE state_hash = ? AND moved = 0 AND expires_at > ? RETURNING redirect",
        (token_hash(state), time.time())).fetchone()
    return str(row[0]) if row else None


def nonce_used(store: Store, nonce: str) -> bool:
    return store.connection.execute("SELECT 1 FROM lti_nonces WHERE nonce = ?", (nonce,)).fetchone() is not None


def end_login(store: Store, state: str, nonce: str, until: float) -> bool:
    """Use a login and its nonce, once: False if another request used either first."""
    db = store.connection
    with db.write(token_hash(state)):
        gone = db.execute("DELETE FROM lti_states WHERE state_hash = ? AND expires_at > ? RETURNING nonce",
                          (token_hash(state), time.time())).fetchone()
        if gone is None:
            return False
        fresh = db.execute("INSERT INTO lti_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING"
                           " RETURNING nonce", (nonce, max(until, time.time()) + 3600)).fetchone()
    return fresh is not None


def use_once(store: Store, key: str, until: float) -> bool:
    """Mark `key` used (kept with the nonces until `until`): False if it was used already, as a
    deep linking ticket posted a second time."""
    row = store.connection.execute("INSERT INTO lti_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce)"
                                   " DO NOTHING RETURNING nonce", (key, until)).fetchone()
    return row is not None


def member(store: Store, launch: Launch) -> Student:
    """The student this LMS user is in this course, made at their first launch (their variant seed from
    their id, as in class mode); their name, e-mail and role follow the latest launch."""
    db = store.connection
    issuer, context = launch.platform.issuer, launch.context_id
    roster_id = f"{LTI_PREFIX}{course_key(issuer, context)}:{launch.sub}"
    role = "instructor" if launch.teaching else "student"
    name = launch.name or launch.email or "LMS user"
    with db.write("lti:" + roster_id):
        row = db.execute("SELECT student_id FROM lti_users WHERE issuer = ? AND context_id = ? AND sub = ?",
                         (issuer, context, launch.sub)).fetchone()
        if row is None:
            found = db.execute(
                "INSERT INTO students (token_hash, csrf, name, seed, created_at, role, roster_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (token_hash(secrets.token_urlsafe(32)), "", name, seed_for_student(roster_id), _now(), role,
                 roster_id)).fetchone()
            student_id = int(found[0])
            db.execute("INSERT INTO lti_users (issuer, context_id, sub, student_id, email, context_title)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (issuer, context, launch.sub, student_id, launch.email,
                                                      launch.context_title))
        else:
            student_id = int(row[0])
            db.execute("UPDATE students SET name = ?, role = ? WHERE id = ?", (name, role, student_id))
            db.execute("UPDATE lti_users SET email = ?, context_title = ? WHERE issuer = ? AND context_id = ?"
                       " AND sub = ?", (launch.email, launch.context_title, issuer, context, launch.sub))
    return Student(student_id, "", seed_for_student(roster_id), role, roster_id, name)


def course_title(store: Store, student_id: int) -> str:
    """The LMS course's title (else its label) for an LMS user's pages, as their latest launch gave it."""
    row = store.connection.execute("SELECT context_title FROM lti_users WHERE student_id = ?",
                                   (student_id,)).fetchone()
    return str(row[0]) if row and row[0] else ""


def remember_target(store: Store, launch: Launch, student: Student, sheet_id: str, scope: str) -> None:
    """Keep the launch's AGS claim: where this student's score for this resource goes (migration 6).
    A launch without it forgets nothing: the gradebook column may simply not be graded."""
    if launch.ags is None or not launch.ags.lineitem:
        return
    p = launch.platform
    store.connection.execute(
        "INSERT INTO lti_grades (issuer, client_id, deployment_id, context_id, resource_link_id, student_id, user_id,"
        " sheet_id, scope, lineitem, lineitems, scopes, token_url, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (issuer, client_id, deployment_id, context_id, resource_link_id, student_id) DO UPDATE SET"
        " user_id = excluded.user_id, sheet_id = excluded.sheet_id, scope = excluded.scope,"
        " lineitem = excluded.lineitem, lineitems = excluded.lineitems, scopes = excluded.scopes,"
        " token_url = excluded.token_url, updated_at = excluded.updated_at",
        (p.issuer, p.client_id, launch.deployment_id, launch.context_id, launch.resource_link_id, student.id,
         launch.sub, sheet_id, scope, launch.ags.lineitem, launch.ags.lineitems, " ".join(launch.ags.scopes),
         p.auth_token_url, _now()))


@dataclass(frozen=True)
class Target:
    """Where a student's score for one resource goes (grade passback)."""
    issuer: str
    client_id: str
    token_url: str
    lineitem: str
    user_id: str
    scope: str
    scopes: tuple[str, ...]


def targets(store: Store, student_id: int, sheet_id: str) -> list[Target]:
    """Every resource of `sheet_id` this student launched with a gradebook column."""
    rows = store.connection.execute(
        "SELECT issuer, client_id, token_url, lineitem, user_id, scope, scopes FROM lti_grades"
        " WHERE student_id = ? AND sheet_id = ? ORDER BY issuer, resource_link_id", (student_id, sheet_id)).fetchall()
    return [Target(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), tuple(str(r[6]).split()))
            for r in rows]


def course_scores(store: Store, course: str) -> set[tuple[str, str, str]]:
    """The (issuer, line item, user) whose scores belong to one LMS course (`course_key`): what its
    instructor page shows of the scores sent to the LMS."""
    rows = store.connection.execute("SELECT DISTINCT issuer, context_id, lineitem, user_id FROM lti_grades").fetchall()
    return {(str(r[0]), str(r[2]), str(r[3])) for r in rows if course_key(str(r[0]), str(r[1])) == course}
