"""Deep linking round trip against the fake platform (which verifies the tool's signed answer against
/lti/jwks), a student answering inside an LTI session (their score for the resource as it stands,
for the gradebook), and /lti/config for Canvas and Moodle."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fake_platform import CLAIM, INSTRUCTOR, FakePlatform
from lti_tool import SHEET, TOOL, Lms
from starlette.testclient import TestClient

from grader.serve import pages
from grader.serve.lti import config, passback
from grader.serve.store import Store
from grader.serve.workers import Workers

DEEP = {CLAIM + "message_type": "LtiDeepLinkingRequest", CLAIM + "roles": list(INSTRUCTOR),
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
            "deep_link_return_url": "https://lms.example/deeplink/return", "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"], "data": "opaque-42"},
        CLAIM + "resource_link": None, CLAIM + "custom": None}


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([SHEET, "backprop"])


@pytest.fixture
def lms(class_db: str, loaded: dict[str, pages.Loaded], workers: Workers) -> Lms:
    return Lms(Store(class_db), loaded, workers)


def pick(lms: Lms, choice: dict[str, str], **override: Any) -> tuple[str, str]:
    page = lms.launch(**{**DEEP, **override})
    assert page.status_code == 200, page.text
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
    assert ticket and "Choose what the link opens" in page.text
    back = lms.client.post("/lti/deeplink", data={"ticket": ticket.group(1), **choice})
    assert back.status_code == 200, back.text
    form = re.search(r'<form method="post" action="([^"]+)" data-autosubmit>\s*<input type="hidden" name="JWT" '
                     r'value="([^"]+)">', back.text)
    assert form, back.text
    assert "form-action 'self' https://lms.example" in back.headers["content-security-policy"]
    return form.group(1), form.group(2)


def test_deep_linking_round_trip(lms: Lms) -> None:
    action, token = pick(lms, {"sheet": SHEET})
    assert action == "https://lms.example/deeplink/return"
    platform = TestClient(lms.platform.app)
    assert platform.post("/deeplink/return", data={"JWT": token}).status_code == 200  # verified against /lti/jwks
    claims = lms.platform.received[-1]
    assert claims["iss"] == "tool-client-1" and claims["aud"] == "https://lms.example"
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse" and claims[CLAIM + "version"] == "1.3.0"
    assert claims[CLAIM + "deployment_id"] == "deployment-1"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-42"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    points = sum(p.points for p in pages.load_sheets([SHEET])[SHEET].sheet.parts.values())
    assert item == {"type": "ltiResourceLink", "title": "Derivatives of Common Activation Functions",
                    "url": f"{TOOL}/lti/launch", "custom": {"sheet": SHEET},
                    "lineItem": {"scoreMaximum": points, "label": "Derivatives of Common Activation Functions",
                                 "resourceId": SHEET, "tag": "grader"}}
    # and the link it made launches the sheet
    student = lms.browser()
    reply = lms.launch(client=student, sub="s-9", **{CLAIM + "custom": item["custom"]})
    assert reply.headers["location"] == f"/sheets/{SHEET}"


def test_one_question_may_be_picked(lms: Lms) -> None:
    _, token = pick(lms, {"sheet": "backprop", "question": f"{SHEET}/sigmoid"})  # the question names its sheet
    TestClient(lms.platform.app).post("/deeplink/return", data={"JWT": token})
    [item] = lms.platform.received[-1]["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"sheet": SHEET, "question": "sigmoid"}
    sheet = pages.load_sheets([SHEET])[SHEET].sheet
    assert item["lineItem"]["scoreMaximum"] == sum(p.points for a, p in sheet.parts.items() if a.startswith("sigmoid."))


def test_without_data_none_is_echoed(lms: Lms) -> None:
    settings = dict(DEEP["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"])
    del settings["data"]
    _, token = pick(lms, {"sheet": SHEET}, **{"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings":
                                              settings})
    TestClient(lms.platform.app).post("/deeplink/return", data={"JWT": token})
    assert "https://purl.imsglobal.org/spec/lti-dl/claim/data" not in lms.platform.received[-1]


def test_a_student_cannot_pick(lms: Lms) -> None:
    reply = lms.launch(**{**DEEP, CLAIM + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]})
    assert reply.status_code == 403 and "Only an instructor" in reply.text


def test_a_forged_or_old_ticket_is_refused(lms: Lms) -> None:
    assert lms.client.post("/lti/deeplink", data={"ticket": "x.y.z", "sheet": SHEET}).status_code == 403
    other = FakePlatform()  # a ticket signed by another key
    forged = other.sign({"aud": "grader:deep-linking", "exp": 2**40, "iss": "https://lms.example", "client_id": "c",
                         "deployment_id": "d", "return_url": "https://evil.example/", "data": None})
    assert lms.client.post("/lti/deeplink", data={"ticket": forged, "sheet": SHEET}).status_code == 403


def test_a_deep_linking_request_without_return_url_is_refused(lms: Lms) -> None:
    reply = lms.launch(**{**DEEP, "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {}})
    assert reply.status_code == 400 and "deep_link_return_url" in reply.text


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>",
                                 "http://lms.example/deeplink/return", "//lms.example/return", "ftp://lms.example/r"])
def test_a_return_url_that_is_not_https_is_refused(lms: Lms, url: str) -> None:
    settings = dict(DEEP["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]) | {
        "deep_link_return_url": url}
    reply = lms.launch(**{**DEEP, "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings})
    assert reply.status_code == 400 and "not an https address" in reply.text
    assert 'name="ticket"' not in reply.text


def test_a_local_platform_may_return_over_http(lms: Lms) -> None:
    settings = dict(DEEP["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]) | {
        "deep_link_return_url": "http://localhost:9001/deeplink/return"}
    reply = lms.launch(**{**DEEP, "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings})
    assert reply.status_code == 200 and 'name="ticket"' in reply.text


def test_a_ticket_is_used_once(lms: Lms) -> None:
    page = lms.launch(**DEEP)
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
    assert ticket
    assert lms.client.post("/lti/deeplink", data={"ticket": ticket.group(1), "sheet": SHEET}).status_code == 200
    again = lms.client.post("/lti/deeplink", data={"ticket": ticket.group(1), "sheet": "backprop"})
    assert again.status_code == 409 and "already sent" in again.text and 'name="JWT"' not in again.text


@pytest.mark.parametrize(("claim", "words"), [(CLAIM + "resource_link", "resource_link"),
                                              (CLAIM + "roles", "roles claim")])
def test_a_resource_link_launch_needs_its_link_and_roles(lms: Lms, claim: str, words: str) -> None:
    reply = lms.launch(**{claim: None})
    assert reply.status_code == 400 and words in reply.text
    assert lms.launch(**{CLAIM + "resource_link": {"title": "no id"}}).status_code == 400


# --- answering in an LTI session ----------------------------------------------------------------------


def answer(client: TestClient, part: str, text: str) -> int:
    page = client.get(f"/sheets/{SHEET}/q/{part.split('.')[0]}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, page.text
    return client.post(f"/sheets/{SHEET}/parts/{part}/answer", data={"csrf": csrf.group(1), "answer": text}).status_code


def test_a_student_answers_and_their_score_for_the_resource_stands(lms: Lms) -> None:
    lms.launch()
    assert answer(lms.client, "sigmoid.a", "σ(x)(1-σ(x))") == 200
    page = lms.client.get(f"/sheets/{SHEET}/q/sigmoid")
    assert "correct" in page.text.lower()
    student = lms.store.student(lms.client.cookies["grader_session"])
    assert student is not None and student.from_lms
    [score] = passback.scores(lms.store, lms.app_sheets[SHEET], student)
    maximum = sum(p.points for p in lms.app_sheets[SHEET].sheet.parts.values())
    assert score.given == lms.app_sheets[SHEET].sheet.part("sigmoid.a").points and score.maximum == maximum
    assert score.target.lineitem == "https://lms.example/lineitems/1" and score.target.user_id == "user-42"


def test_a_resource_of_one_question_scores_that_question(lms: Lms) -> None:
    lms.launch(**{CLAIM + "custom": {"sheet": SHEET, "question": "tanh"}})
    answer(lms.client, "sigmoid.a", "σ(x)(1-σ(x))")  # another question: not this resource's
    student = lms.store.student(lms.client.cookies["grader_session"])
    assert student is not None
    [score] = passback.scores(lms.store, lms.app_sheets[SHEET], student)
    sheet = lms.app_sheets[SHEET].sheet
    assert score.given == 0 and score.maximum == sum(p.points for a, p in sheet.parts.items() if a.startswith("tanh."))


def test_the_instructor_sees_the_course_answers(lms: Lms) -> None:
    lms.launch()
    answer(lms.client, "sigmoid.a", "x")
    teacher = lms.browser()
    lms.launch(client=teacher, sub="teacher-1", **{CLAIM + "roles": list(INSTRUCTOR)})
    figures = teacher.get("/instructor/stats.json").json()["parts"]
    assert any(p["part"] == "sigmoid.a" and p["attempted"] == 1 for p in figures)
    away = lms.browser()
    lms.launch(client=away, sub="teacher-2", **{CLAIM + "roles": list(INSTRUCTOR), CLAIM + "context": {"id": "c-2"}})
    assert all(p["attempted"] == 0 for p in away.get("/instructor/stats.json").json()["parts"])


# --- configuration ----------------------------------------------------------------------------------


def test_config_for_canvas_and_moodle(lms: Lms) -> None:
    canvas = lms.client.get("/lti/config.json").json()
    assert canvas == config.canvas(TOOL)
    assert canvas["oidc_initiation_url"] == f"{TOOL}/lti/login" and canvas["target_link_uri"] == f"{TOOL}/lti/launch"
    assert canvas["public_jwk_url"] == f"{TOOL}/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in canvas["scopes"]
    placements = canvas["extensions"][0]["settings"]["placements"]
    assert {p["placement"] for p in placements} == {"assignment_selection", "link_selection"}
    assert all(p["message_type"] == "LtiDeepLinkingRequest" for p in placements)
    assert lms.client.get("/lti/config/moodle.json").json() == config.moodle(TOOL)
    page = lms.client.get("/lti/config")
    assert page.status_code == 200
    for label, value in config.moodle(TOOL).items():
        assert label.replace("'", "&#39;") in page.text and value in page.text


def test_config_from_the_request_without_public_url(class_db: str, loaded: dict[str, pages.Loaded],
                                                    workers: Workers) -> None:
    lms = Lms(Store(class_db), loaded, workers)
    lms.tool.public_url = None
    served = TestClient(lms.app, base_url="https://grader.school.example").get("/lti/config.json").json()
    assert served["oidc_initiation_url"] == "https://grader.school.example/lti/login"


def test_a_platform_that_accepts_no_links_is_told(lms: Lms) -> None:
    settings = {**DEEP["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"], "accept_types": ["file"]}
    reply = lms.launch(**{**DEEP, "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings})
    assert reply.status_code == 400 and "ltiResourceLink" in reply.text


def test_the_course_instructor_page_names_students_by_their_lms_id(lms: Lms) -> None:
    lms.launch()
    teacher = lms.browser()
    lms.launch(client=teacher, sub="teacher-1", **{CLAIM + "roles": list(INSTRUCTOR)})
    page = teacher.get("/instructor").text
    assert "<td>user-42</td><td>Ada Lovelace</td>" in page and "lti:" not in page
    assert "Sign out" not in page  # inside the LMS, the LMS signs people in and out


def test_canvas_is_asked_for_the_score_scope_only() -> None:
    """The tool posts scores and nothing else (no line items made or read, no results read)."""
    assert config.canvas("https://grader.example.edu")["scopes"] == [passback.SCORE_SCOPE]


@pytest.mark.parametrize(("base", "domain"), [
    ("https://grader.example.edu", "grader.example.edu"),
    ("https://Grader.Example.edu:443", "grader.example.edu"),  # the default port: Canvas matches the host alone
    ("https://grader.example.edu:8443", "grader.example.edu:8443"),  # Canvas matches `.host:port` then
    ("http://localhost:8000", "localhost:8000"),
])
def test_the_canvas_domain_is_the_host_with_a_port_only_when_not_the_default(base: str, domain: str) -> None:
    assert config.canvas(base)["extensions"][0]["domain"] == domain


def test_moodle_syncs_grades_only_and_accepts_them() -> None:
    fields = config.moodle("https://grader.example.edu")
    assert fields["IMS LTI Assignment and Grade Services"] == "Use this service for grade sync only"
    assert fields["Accept grades from the tool"] == "Always"
