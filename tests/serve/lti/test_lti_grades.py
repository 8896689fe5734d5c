"""Launch to gradebook: a student launched from the fake LMS (with an AGS claim) answers in the tool,
and the score the LMS's grade service receives is their points for the sheet as they stand (the core's
launch and passback, the outbox and ags.py's token and score POST, against fake_ags.py)."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fake_ags import CLIENT_ID, ISSUER, SCORE_SCOPE, TOKEN_URL, lineitem_url
from fake_ags import Platform as GradeService
from fake_platform import FakePlatform
from lti_tool import SHEET, TOOL, Lms

from grader.serve import pages
from grader.serve.lti import outbox
from grader.serve.store import Store
from grader.serve.workers import Workers

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([SHEET])


def answer(lms: Lms, part: str, text: str) -> None:
    page = lms.client.get(f"/sheets/{SHEET}/q/{part.split('.')[0]}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    reply = lms.client.post(f"/sheets/{SHEET}/parts/{part}/answer", data={"csrf": csrf.group(1), "answer": text})
    assert reply.status_code == 200


def send_all(lms: Lms, service: GradeService) -> int:
    sender = outbox.Sender(lms.store, lms.tool.key.sign)

    async def go() -> int:
        async with httpx.AsyncClient(transport=service.transport()) as client:
            return await sender.once(client)

    return asyncio.run(go())


def test_an_answer_in_the_lms_reaches_its_gradebook(class_db: str, loaded: dict[str, pages.Loaded],
                                                     workers: Workers) -> None:
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    service = GradeService(tool_jwks=lms.tool.key.jwks())
    claim = {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}
    assert lms.launch(**{AGS: claim}).status_code == 303
    answer(lms, "sigmoid.a", "-e^(-x)/(1+e^(-x))^2")  # wrong: 0 points
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")  # right: 2 points
    assert send_all(lms, service) == 1  # the newer score replaced the older one still waiting
    score = service.last("user-42")
    assert score is not None and score["scoreGiven"] == 2 and score["scoreMaximum"] == 16
    assert score["activityProgress"] == "Submitted" and score["gradingProgress"] == "FullyGraded"


def test_no_score_without_the_score_scope(class_db: str, loaded: dict[str, pages.Loaded], workers: Workers) -> None:
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    lms.launch(**{AGS: {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"],
                        "lineitem": lineitem_url(1)}})
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")
    assert outbox.waiting(lms.store) == []


def test_an_lms_instructor_sees_the_scores_of_their_course_only(class_db: str, loaded: dict[str, pages.Loaded],
                                                                 workers: Workers) -> None:
    from fake_platform import INSTRUCTOR

    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    context = "https://purl.imsglobal.org/spec/lti/claim/context"
    lms.launch(**{AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})  # user-42 in course-1
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")
    other = lms.browser()
    lms.launch(client=other, sub="user-77", **{context: {"id": "course-2"},
                                               AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(2)}})
    lms.client = other
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")
    pages_seen = {}
    for course in ("course-1", "course-2"):
        teacher = lms.browser()
        roles = {"https://purl.imsglobal.org/spec/lti/claim/roles": list(INSTRUCTOR)}
        lms.launch(client=teacher, sub="teacher-1", **{context: {"id": course}, **roles})
        pages_seen[course] = teacher.get("/instructor").text
    assert "user-42" in pages_seen["course-1"] and "user-77" not in pages_seen["course-1"]
    assert "user-77" in pages_seen["course-2"] and "user-42" not in pages_seen["course-2"]
    assert "1 waiting" in pages_seen["course-1"] and "1 waiting" in pages_seen["course-2"]


LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"


def sent_to(service: GradeService, item: int) -> list[float]:
    return [doc["scoreGiven"] for path, doc in service.scores if path.endswith(f"/line_items/{item}/scores")]


def test_a_column_opened_after_the_work_gets_the_score_at_once(class_db: str, loaded: dict[str, pages.Loaded],
                                                                workers: Workers) -> None:
    """Work done from link 1 (column 1); then link C of the same sheet and course (column 4) is opened
    for the first time: column 4 gets the score as it stands, with no answer after the launch."""
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    service = GradeService(tool_jwks=lms.tool.key.jwks())
    lms.launch(**{LINK: {"id": "link-1"}, AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")
    send_all(lms, service)
    assert sent_to(service, 1) == [2] and sent_to(service, 4) == []
    lms.launch(**{LINK: {"id": "link-C"}, AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(4)}})
    send_all(lms, service)
    assert sent_to(service, 4) == [2] and sent_to(service, 1) == [2]  # column 1 is not sent again


def test_a_column_opened_before_any_work_gets_nothing_yet(class_db: str, loaded: dict[str, pages.Loaded],
                                                           workers: Workers) -> None:
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    lms.launch(**{AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})
    assert outbox.waiting(lms.store) == []


def test_work_from_the_home_page_reaches_a_graded_link_opened_later(class_db: str, loaded: dict[str, pages.Loaded],
                                                                     workers: Workers) -> None:
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    service = GradeService(tool_jwks=lms.tool.key.jwks())
    lms.launch(**{LINK: {"id": "ungraded"}, AGS: None})  # a link with no gradebook column
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")
    assert outbox.waiting(lms.store) == []
    lms.launch(**{LINK: {"id": "graded"}, AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})
    send_all(lms, service)
    assert sent_to(service, 1) == [2]


def test_an_unreadable_answer_sends_no_score(class_db: str, loaded: dict[str, pages.Loaded], workers: Workers) -> None:
    """An invalid answer uses no attempt and changes no score: the gradebook must not show a graded 0."""
    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    lms.launch(**{AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})
    answer(lms, "sigmoid.a", "((x")
    assert [status for (status,) in lms.store.connection.execute("SELECT status FROM attempts")] == ["invalid"]
    assert outbox.waiting(lms.store) == []
    lms.launch(**{AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})  # only invalid work: nothing either
    assert outbox.waiting(lms.store) == []


def test_an_lms_instructor_sees_refused_scores_by_name_and_who_resends(
        class_db: str, loaded: dict[str, pages.Loaded], workers: Workers) -> None:
    import time

    from fake_platform import INSTRUCTOR

    from grader.serve.lti.ags import Outcome

    lms = Lms(Store(class_db), loaded, workers, FakePlatform(issuer=ISSUER, client_id=CLIENT_ID, tool=TOOL),
              auth_token_url=TOKEN_URL)
    lms.launch(**{AGS: {"scope": [SCORE_SCOPE], "lineitem": lineitem_url(1)}})  # user-42, Ada Lovelace
    answer(lms, "sigmoid.a", "σ(x)(1-σ(x))")
    now = time.time()
    for entry in outbox.claim(lms.store, "s1", now):
        outbox.settle(lms.store, entry, Outcome("failed", "score: HTTP 400: user_not_found"), "s1", now)
    teacher = lms.browser()
    lms.launch(client=teacher, sub="teacher-1", **{"https://purl.imsglobal.org/spec/lti/claim/roles": list(INSTRUCTOR)})
    page = " ".join(teacher.get("/instructor").text.split())
    assert "<td>refused</td><td>Ada Lovelace (user-42)</td>" in page
    assert "ask whoever runs the server to run <code>grader lti resend --failed</code>" in page
