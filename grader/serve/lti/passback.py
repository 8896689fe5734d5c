"""Grade passback, the core's side: after a graded answer is stored in an LTI session, the student's
points for each resource they launched (the sheet, or the one question or part the link opens) as
they stand, for every gradebook column the platform gave (`records.targets`). Sending them is the
outbox's (serve/lti/outbox.py, with ags.py): `send` is the one place that hands them over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grader.serve import pages
from grader.serve.lti import records
from grader.serve.store import Store, Student


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

    found = records.targets(store, student.id, loaded.sheet.id)
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


def send(store: Store, loaded: pages.Loaded, student: Student, when: datetime) -> list[Score]:
    """THE SEAM to the outbox: each score is to be queued with
    `outbox.enqueue(store, ags.ScoreTarget(t.issuer, t.client_id, t.token_url, t.lineitem), t.user_id,
    score.given, score.maximum, when)`; until the outbox is merged, the scores are only computed."""
    return scores(store, loaded, student)
