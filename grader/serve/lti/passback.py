"""Grade passback, the core's side: after a graded answer is stored in an LTI session, the student's
points for each resource they launched (the sheet, or the one question or part the link opens) as
they stand, for every gradebook column the platform gave with the score scope (`records.targets`).
Sending them is the outbox's (serve/lti/outbox.py, with ags.py): `send` queues them there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grader.serve import pages
from grader.serve.lti import ags, outbox, records
from grader.serve.store import Store, Student

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"  # the platform lets the tool post scores


@dataclass(frozen=True)
class Score:
    target: records.Target
    given: float
    maximum: float


def _covers(scope: str, address: str) -> bool:
    return not scope or address == scope or address.startswith(scope + ".")


def scores(store: Store, loaded: pages.Loaded, student: Student) -> list[Score]:
    """This student's score for each resource of this sheet they launched with a gradebook column."""
    from grader.sheets import variants  # the student's variant, as the pages score it

    found = [t for t in records.targets(store, student.id, loaded.sheet.id) if SCORE_SCOPE in t.scopes]
    if not found:
        return []
    sheet = variants.pick(loaded.sheet, student.seed)
    ended = pages.ended_by_solution(loaded, student.seed, store.reveals(student, sheet.id))
    rows = pages.score_rows(sheet, store.attempts(student, sheet.id), ended)
    shown = []
    for target in found:
        mine = [r for r in rows if _covers(target.scope, r.address)]
        shown.append(Score(target, sum(r.best for r in mine), sum(r.points for r in mine)))
    return shown


def send(store: Store, loaded: pages.Loaded, student: Student, when: datetime, lineitem: str = "") -> list[Score]:
    """Queue each of this student's scores for the sheet in the outbox (committed when this returns;
    this process's sender is woken), as they stand after the answer graded at `when`; only the one
    gradebook column `lineitem` if given."""
    shown = [s for s in scores(store, loaded, student) if not lineitem or s.target.lineitem == lineitem]
    for score in shown:
        t = score.target
        outbox.enqueue(store, ags.ScoreTarget(t.issuer, t.client_id, t.token_url, t.lineitem), t.user_id,
                       score.given, score.maximum, when)
    return shown


def catch_up(store: Store, loaded: pages.Loaded, student: Student, lineitem: str, when: datetime) -> list[Score]:
    """A launch with a gradebook column (`lineitem`) for a sheet this student has graded work on
    already (answered from another link, or the tool's home page): that column gets their score as it
    stands now, not at their next answer, which may never come (every part answered)."""
    if not any(a.status != "invalid" for a in store.attempts(student, loaded.sheet.id)):
        return []
    return send(store, loaded, student, when, lineitem)
