"""LTI 1.3 login and launch against a fake platform (its own key, JWKS and authorisation endpoint, in
process through httpx's ASGI transport): a launch signs the LMS user in on their sheet, and each
validation failure is a 4xx page naming what was wrong, with nothing launched (SQLite and, with
GRADER_TEST_PG, PostgreSQL)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from fake_platform import CLAIM, INSTRUCTOR, new_key
from lti_tool import SHEET, TOOL, Lms

from grader.serve import pages
from grader.serve.lti import jwks, keys
from grader.serve.store import Store
from grader.serve.workers import Workers


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([SHEET, "backprop"])


@pytest.fixture
def lms(class_db: str, loaded: dict[str, pages.Loaded], workers: Workers) -> Lms:
    return Lms(Store(class_db), loaded, workers)


def students(store: Store) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.connection.execute(
        "SELECT s.role, s.name, u.email, u.sub FROM students s JOIN lti_users u ON u.student_id = s.id"
        " ORDER BY s.id").fetchall()]


def refused(reply: httpx.Response, status: int, words: str) -> None:
    assert reply.status_code == status, reply.text
    assert words in reply.text, reply.text
    assert "grader_session" not in reply.headers.get("set-cookie", "")


# --- the login --------------------------------------------------------------------------------------


def test_login_redirects_to_the_platform_with_every_parameter(lms: Lms) -> None:
    query = lms.login()
    assert query["scope"] == "openid" and query["response_type"] == "id_token"
    assert query["response_mode"] == "form_post" and query["prompt"] == "none"
    assert query["client_id"] == "tool-client-1" and query["redirect_uri"] == f"{TOOL}/lti/launch"
    assert query["login_hint"] == "user-42" and query["lti_message_hint"] == "resource-7"
    assert len(query["state"]) > 30 and len(query["nonce"]) > 30 and query["state"] != query["nonce"]


def test_login_by_post_as_canvas_sends_it(lms: Lms) -> None:
    first = lms.client.post("/lti/login", data=lms.platform.login_params(canvas_region="us-east-1"),
                            follow_redirects=False)
    assert first.status_code == 302 and first.headers["location"].startswith("/lti/login/check?state=")


@pytest.mark.parametrize(("params", "status", "words"), [
    ({"iss": "https://other.example"}, 403, "not in PLATFORMS.json"),
    ({"client_id": "someone-else"}, 403, "not in PLATFORMS.json"),
    ({"lti_deployment_id": "deployment-9"}, 403, "add it to deployment_ids"),
    ({"login_hint": ""}, 400, "missing: login_hint"),
    ({"target_link_uri": "https://evil.example/lti/launch"}, 400, "not an address of this tool"),
])
def test_a_bad_login_is_refused_with_what_to_fix(lms: Lms, params: dict[str, str], status: int, words: str) -> None:
    reply = lms.client.get("/lti/login", params=lms.platform.login_params(**params), follow_redirects=False)
    refused(reply, status, words)


def test_a_browser_that_refuses_the_cookie_gets_open_in_a_new_tab_once(lms: Lms) -> None:
    first = lms.client.get("/lti/login", params=lms.platform.login_params(), follow_redirects=False)
    framed = lms.browser()  # the iframe of a browser that blocks third-party cookies: none came back
    page = framed.get(first.headers["location"], follow_redirects=False)
    assert page.status_code == 200 and "Open in a new tab" in page.text
    tab = re.search(r'href="(/lti/login/tab\?state=[^"]+)" target="_blank"', page.text)
    assert tab
    new_tab = lms.browser()
    moved = new_tab.get(tab.group(1).replace("&amp;", "&"), follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["location"].startswith(lms.platform.issuer + "/auth?")
    again = lms.browser().get(tab.group(1), follow_redirects=False)  # the link works once
    refused(again, 403, "already used")
    query = dict(parse_qsl(urlsplit(moved.headers["location"]).query))
    launched = new_tab.post("/lti/launch", data=lms.platform.answer(query), follow_redirects=False)
    assert launched.status_code == 303 and launched.headers["location"] == f"/sheets/{SHEET}"


# --- a resource link launch ---------------------------------------------------------------------------


def test_a_student_launch_opens_their_sheet_signed_in(lms: Lms) -> None:
    reply = lms.launch()
    assert reply.status_code == 303 and reply.headers["location"] == f"/sheets/{SHEET}"
    cookie = next(c for c in reply.headers.get_list("set-cookie") if c.startswith("grader_session="))
    assert "SameSite=none" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    page = lms.client.get(f"/sheets/{SHEET}")
    assert page.status_code == 200 and "Ada Lovelace" in page.text
    assert students(lms.store) == [("student", "Ada Lovelace", "ada@example.edu", "user-42")]
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://lms.example" in policy  # the LMS may frame an LMS user's page
    assert "x-frame-options" not in page.headers


def test_the_same_user_again_is_the_same_student_and_keeps_the_variant(lms: Lms) -> None:
    lms.launch()
    seed = lms.store.connection.execute("SELECT seed FROM students WHERE role = 'student'").fetchone()[0]
    lms.launch(client=lms.browser(), name="Ada King")
    assert students(lms.store) == [("student", "Ada King", "ada@example.edu", "user-42")]
    assert lms.store.connection.execute("SELECT seed FROM students WHERE role = 'student'").fetchone()[0] == seed


def test_courses_are_kept_apart(lms: Lms) -> None:
    lms.launch()
    other = {"id": "course-2", "title": "Calculus 2"}
    lms.launch(client=lms.browser(), **{CLAIM + "context": other})
    rows = lms.store.connection.execute("SELECT roster_id FROM students ORDER BY id").fetchall()
    assert len(rows) == 2 and rows[0][0] != rows[1][0]  # the same LMS user, one student per course


def test_a_question_or_part_opens_there(lms: Lms) -> None:
    reply = lms.launch(**{CLAIM + "custom": {"sheet": SHEET, "part": "sigmoid.a"}})
    assert reply.headers["location"] == f"/sheets/{SHEET}/q/sigmoid#sigmoid.a"
    reply = lms.launch(client=lms.browser(), **{CLAIM + "custom": {"sheet": SHEET, "question": "tanh"}})
    assert reply.headers["location"] == f"/sheets/{SHEET}/q/tanh"


@pytest.mark.parametrize(("custom", "status", "words"), [
    ({}, 400, "names no sheet"),
    ({"sheet": "no-such-sheet"}, 404, "which this server does not serve"),
    ({"sheet": SHEET, "question": "nope"}, 404, "has no question"),
    ({"sheet": SHEET, "part": "sigmoid.z"}, 404, "has no part"),
])
def test_a_link_to_what_is_not_served_says_so(lms: Lms, custom: dict[str, str], status: int, words: str) -> None:
    refused(lms.launch(**{CLAIM + "custom": custom}), status, words)


def test_an_instructor_launch_opens_the_course_instructor_page(lms: Lms) -> None:
    lms.launch()  # a student of course-1
    elsewhere = lms.browser()
    lms.launch(client=elsewhere, sub="user-77", name="Émile Borel", **{CLAIM + "context": {"id": "course-2"}})
    teacher = lms.browser()
    reply = lms.launch(client=teacher, sub="teacher-1", name="Grace Hopper", **{CLAIM + "roles": list(INSTRUCTOR)})
    assert reply.status_code == 303 and reply.headers["location"] == "/instructor"
    page = teacher.get("/instructor")
    assert page.status_code == 200
    assert "Ada Lovelace" in page.text and "Émile Borel" not in page.text  # only their course's students


@pytest.mark.parametrize("role", [
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "Instructor",
])
def test_administrator_and_instructor_roles_teach(lms: Lms, role: str) -> None:
    reply = lms.launch(sub="admin-1", **{CLAIM + "roles": [role]})
    assert reply.headers["location"] == "/instructor"


_LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize("roles", [
    [f"{_LIS}membership#ContentDeveloper"],
    [f"{_LIS}membership#Instructor", f"{_LIS}institution/person#Student"],
    [f"{_LIS}system/person#Administrator"],  # no course role at all: the LMS's administrator
])
def test_a_course_role_decides_who_teaches(lms: Lms, roles: list[str]) -> None:
    reply = lms.launch(sub="staff-1", **{CLAIM + "roles": roles})
    assert reply.headers["location"] == "/instructor"


@pytest.mark.parametrize("institution", [
    f"{_LIS}institution/person#Instructor",  # Canvas: teaches some other course
    f"{_LIS}institution/person#Faculty",
    f"{_LIS}institution/person#Administrator",
    f"{_LIS}system/person#Administrator",
])
@pytest.mark.parametrize("learner", [f"{_LIS}membership#Learner", "Learner"])
def test_a_learner_of_the_course_is_a_student_whatever_the_institution_says(lms: Lms, institution: str,
                                                                            learner: str) -> None:
    lms.launch()  # a classmate's work, which a student must not see
    student = lms.browser()
    reply = lms.launch(client=student, sub="user-77", **{CLAIM + "roles": [learner, institution]})
    assert reply.status_code == 303 and reply.headers["location"].startswith(f"/sheets/{SHEET}")
    page = student.get("/instructor")
    assert page.status_code == 403 and "Ada Lovelace" not in page.text


def test_an_observer_is_refused(lms: Lms) -> None:
    reply = lms.launch(sub="parent-1", **{CLAIM + "roles": [f"{_LIS}membership#Mentor"]})
    assert reply.status_code == 403 and "observers cannot answer" in reply.text.lower()
    assert lms.store.connection.execute("SELECT count(*) FROM lti_users").fetchone()[0] == 0  # not a student


def test_the_grade_target_of_a_launch_is_kept(lms: Lms) -> None:
    lms.launch(**{CLAIM + "custom": {"sheet": SHEET, "question": "sigmoid"}})
    rows = lms.store.connection.execute("SELECT issuer, client_id, deployment_id, context_id, resource_link_id,"
                                        " user_id, sheet_id, scope, lineitem, scopes, token_url FROM lti_grades"
                                        ).fetchall()
    assert [tuple(r) for r in rows] == [(
        "https://lms.example", "tool-client-1", "deployment-1", "course-1", "link-1", "user-42", SHEET, "sigmoid",
        "https://lms.example/lineitems/1", "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://lms.example/token")]


# --- every validation failure: a 4xx page that says what, and no launch --------------------------------


def bad_launch(lms: Lms, **override: Any) -> httpx.Response:
    return lms.launch(**override)


def test_wrong_signature(lms: Lms) -> None:
    form = lms.platform.answer(lms.login())
    head, body, _ = form["id_token"].split(".")
    forged = lms.platform.sign({"forged": True}).split(".")[2]
    form["id_token"] = f"{head}.{body}.{forged}"
    refused(lms.client.post("/lti/launch", data=form), 401, "signature does not match")
    assert students(lms.store) == []


def test_signed_by_another_key_under_the_platform_kid(lms: Lms) -> None:
    query = lms.login()
    token = lms.platform.sign(lms.platform.claims(query["nonce"]), key=new_key("x"), kid="platform-key-1")
    refused(lms.client.post("/lti/launch", data={"id_token": token, "state": query["state"]}), 401,
            "signature does not match")


def test_a_changed_claim_breaks_the_signature(lms: Lms) -> None:
    import base64
    import json

    form = lms.platform.answer(lms.login())
    head, body, sig = form["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "someone-else"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    form["id_token"] = f"{head}.{body}.{sig}"
    refused(lms.client.post("/lti/launch", data=form), 401, "signature does not match")


def test_unknown_kid_refetches_once_then_refuses(lms: Lms) -> None:
    query = lms.login()
    stranger = new_key("rotated-away")
    token = lms.platform.sign(lms.platform.claims(query["nonce"]), key=stranger)
    refused(lms.client.post("/lti/launch", data={"id_token": token, "state": query["state"]}), 401,
            "a key the platform does not publish")
    assert lms.keysets.fetches == 1
    for _ in range(5):  # a flood of unknown kids within the refetch window costs the platform nothing
        query = lms.login()
        token = lms.platform.sign(lms.platform.claims(query["nonce"]), key=new_key(f"made-up-{_}"))
        refused(lms.client.post("/lti/launch", data={"id_token": token, "state": query["state"]}), 401,
                "does not publish")
    assert lms.keysets.fetches == 1


def test_a_rotated_key_is_fetched_again(lms: Lms) -> None:
    assert lms.launch().status_code == 303
    rotated = new_key("platform-key-2")
    lms.platform.published = [lms.platform.key, rotated]
    lms.keysets.kept[lms.platform.entry()["key_set_url"]].fetched -= jwks.REFETCH_SECONDS  # a while later
    query = lms.login(client=(browser := lms.browser()))
    token = lms.platform.sign(lms.platform.claims(query["nonce"]), key=rotated)
    reply = browser.post("/lti/launch", data={"id_token": token, "state": query["state"]}, follow_redirects=False)
    assert reply.status_code == 303 and lms.keysets.fetches == 2


def test_keys_unreachable(class_db: str, loaded: dict[str, pages.Loaded], workers: Workers) -> None:
    lms = Lms(Store(class_db), loaded, workers)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    lms.keysets.transport = httpx.MockTransport(down)  # type: ignore[assignment]
    refused(lms.launch(), 400, "key_set_url")


@pytest.mark.parametrize(("override", "status", "words"), [
    ({"aud": "another-tool"}, 401, "not addressed to this tool"),
    ({"aud": ["another-tool", "tool-client-1"]}, 401, "authorised party (azp)"),
    ({"aud": ["another-tool", "tool-client-1"], "azp": "another-tool"}, 401, "authorised party (azp)"),
    ({"iss": "https://other.example"}, 401, "issuer (iss)"),
    ({"exp": int(time.time()) - 600}, 401, "has expired"),
    ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 4000}, 401, "issued in the future"),
    ({"exp": None}, 400, "no expiry"),
    ({"nonce": "not-the-one-sent"}, 401, "not the one this tool sent"),
    ({"nonce": None}, 400, "no nonce"),
    ({CLAIM + "deployment_id": "deployment-9"}, 403, "add it to deployment_ids"),
    ({CLAIM + "message_type": "LtiSubmissionReviewRequest"}, 400, "neither a resource link launch"),
    ({CLAIM + "version": "1.1"}, 400, "not LTI version 1.3.0"),
    ({"sub": None}, 400, "names no user"),
])
def test_each_claim_failure_is_refused(lms: Lms, override: dict[str, Any], status: int, words: str) -> None:
    refused(bad_launch(lms, **override), status, words)
    assert students(lms.store) == []


def test_expiry_has_a_small_leeway(lms: Lms) -> None:
    assert lms.launch(exp=int(time.time()) - 20).status_code == 303


def test_a_replayed_nonce_is_refused(lms: Lms) -> None:
    query = lms.login()
    form = lms.platform.answer(query)
    assert lms.client.post("/lti/launch", data=form, follow_redirects=False).status_code == 303
    refused(lms.client.post("/lti/launch", data=form), 403, "already used")  # the same post again
    fresh = lms.login()  # a new login of the same browser, the old token: its nonce has launched
    refused(lms.client.post("/lti/launch", data={"id_token": form["id_token"], "state": fresh["state"]}), 401,
            "already used for a launch")


def test_state_bound_to_the_browser(lms: Lms) -> None:
    form = lms.platform.answer(lms.login())
    refused(lms.browser().post("/lti/launch", data=form), 403, "another browser")  # no cookie of that login
    attacker = lms.browser()
    lms.login(client=attacker)  # the attacker's own login: its cookie names another state
    refused(attacker.post("/lti/launch", data=form), 403, "another browser")


@pytest.mark.parametrize(("form", "status", "words"), [
    ({"state": "x"}, 400, "no id_token"),
    ({"id_token": "a.b.c"}, 400, "carries no state"),
    ({"id_token": "a.b.c", "state": "never-started"}, 403, "answers no login"),
])
def test_a_launch_without_its_parts_is_refused(lms: Lms, form: dict[str, str], status: int, words: str) -> None:
    refused(lms.client.post("/lti/launch", data=form), status, words)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "....."])
def test_garbage_tokens_are_4xx_never_500(lms: Lms, token: str) -> None:
    query = lms.login()
    reply = lms.client.post("/lti/launch", data={"id_token": token, "state": query["state"]})
    assert 400 <= reply.status_code < 500, reply.text


def test_unsigned_alg_none_is_refused(lms: Lms) -> None:
    import base64
    import json

    query = lms.login()
    claims = lms.platform.claims(query["nonce"])
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    token = f"{enc({'alg': 'none', 'kid': 'platform-key-1'})}.{enc(claims)}."
    refused(lms.client.post("/lti/launch", data={"id_token": token, "state": query["state"]}), 400, "RS256")


def test_a_login_state_expires(lms: Lms) -> None:
    query = lms.login()
    lms.store.connection.execute("UPDATE lti_states SET expires_at = 0")
    refused(lms.client.post("/lti/launch", data=lms.platform.answer(query)), 403, "older than ten minutes")


# --- keys, headers ----------------------------------------------------------------------------------


def test_the_tool_key_is_made_once_and_kept(class_db: str) -> None:
    store = Store(class_db)
    first = keys.load(store)
    again = keys.load(Store(class_db))
    assert first.kid == again.kid and first.jwks() == again.jwks()
    public = first.jwks()["keys"][0]
    assert public["kty"] == "RSA" and public["alg"] == "RS256" and public["use"] == "sig" and "d" not in public


def test_jwks_serves_the_public_key(lms: Lms) -> None:
    served = lms.client.get("/lti/jwks").json()
    assert served == lms.tool.key.jwks() and all("d" not in k and "p" not in k for k in served["keys"])


def test_pages_of_others_still_refuse_framing(lms: Lms) -> None:
    for path in ("/", "/lti/config", "/static/style.css"):
        reply = lms.client.get(path)
        assert "frame-ancestors 'self'" in reply.headers["content-security-policy"]
        assert "lms.example" not in reply.headers["content-security-policy"], path
    refusal = lms.client.post("/lti/launch", data={})
    assert "https://lms.example" in refusal.headers["content-security-policy"]  # read inside the LMS page


def test_a_class_roster_id_may_not_look_like_an_lms_user(tmp_path: Path) -> None:
    from grader.core.errors import UsageError
    from grader.serve import classroom

    roster = tmp_path / "r.csv"
    roster.write_text("student id,name\nlti:abc:1,Eve\n", encoding="utf-8")
    with pytest.raises(UsageError, match="lti:"):
        classroom.read_roster(roster)


def test_logins_are_rate_limited_per_address(lms: Lms) -> None:
    from grader.serve.lti import routes

    for _ in range(routes.LOGINS_PER_MINUTE):
        assert lms.client.get("/lti/login", params=lms.platform.login_params(), follow_redirects=False
                              ).status_code == 302
    refused(lms.client.get("/lti/login", params=lms.platform.login_params()), 429, "Too many LMS launches")


def test_a_database_outage_during_a_launch_says_not_saved_not_a_bad_token(lms: Lms,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.serve.database import Unavailable
    from grader.serve.lti import records

    query = lms.login()

    def down(*args: Any) -> bool:
        raise Unavailable("the database restarts")

    monkeypatch.setattr(records, "nonce_used", down)
    reply = lms.client.post("/lti/launch", data=lms.platform.answer(query))
    assert reply.status_code == 503 and "cannot be reached" in reply.text  # the app's outage page, not "unreadable"


def test_an_lms_session_ends_with_the_browser_and_after_hours(lms: Lms) -> None:
    """A shared lab computer: the LMS session's cookie has no Max-Age (it ends with the browser), and the
    server ends the session 8 hours after the launch whatever `--session-days` says; never renewed."""
    import time

    reply = lms.launch()
    cookie = next(c for c in reply.headers.get_list("set-cookie") if c.startswith("grader_session="))
    assert "max-age" not in cookie.lower() and "expires" not in cookie.lower()
    (expires,) = lms.store.connection.execute("SELECT expires_at FROM sessions").fetchone()
    assert 7.9 * 3600 < float(expires) - time.time() <= 8 * 3600
    page = lms.client.get(f"/sheets/{SHEET}")
    assert page.status_code == 200 and "grader_session" not in page.headers.get("set-cookie", "")
    lms.store.connection.execute("UPDATE sessions SET expires_at = ?", (time.time() - 1,))
    assert lms.client.get(f"/sheets/{SHEET}").status_code == 403


def test_a_refused_launch_is_one_line_in_the_log(lms: Lms, lti_log: pytest.LogCaptureFixture) -> None:
    import logging

    form = lms.platform.answer(lms.login(), aud="someone-else")
    reply = lms.client.post("/lti/launch", data=form)
    assert reply.status_code == 401
    lines = [r for r in lti_log.records if r.name == "grader.serve.lti"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    line = lines[0].getMessage()
    assert "401" in line and "not addressed to this tool" in line and "someone-else" in line
    assert lms.platform.issuer in line
    assert form["id_token"] not in line and form["state"] not in line  # never a token


def test_a_refused_login_and_an_unknown_sheet_are_logged(lms: Lms, lti_log: pytest.LogCaptureFixture) -> None:
    lms.client.get("/lti/login", params=lms.platform.login_params(iss="https://stranger.example"))
    lms.launch(**{CLAIM + "custom": {"sheet": "nope"}})
    lines = [r.getMessage() for r in lti_log.records if r.name == "grader.serve.lti"]
    assert len(lines) == 2
    assert "403" in lines[0] and "https://stranger.example" in lines[0] and "not in PLATFORMS.json" in lines[0]
    assert "404" in lines[1] and "'nope'" in lines[1] and lms.platform.issuer in lines[1]


@pytest.mark.parametrize("path", ["/nowhere", f"/sheets/{SHEET}/q/nope", "/sheets/nope", "/sheets/nope/q/x"])
def test_a_404_in_an_lms_session_may_be_framed_by_the_lms(lms: Lms, path: str) -> None:
    lms.launch()
    reply = lms.client.get(path)
    assert reply.status_code == 404
    assert "x-frame-options" not in reply.headers
    assert "https://lms.example" in reply.headers["content-security-policy"].split("frame-ancestors")[1]


def test_a_404_without_a_session_is_not_framed(lms: Lms) -> None:
    reply = lms.browser().get("/nowhere")
    assert reply.status_code == 404 and reply.headers["x-frame-options"] == "SAMEORIGIN"


def test_sign_in_first_offers_no_link_back_to_itself(lms: Lms) -> None:
    reply = lms.browser().get(f"/sheets/{SHEET}")
    assert reply.status_code == 403 and "Sign in first" in reply.text
    assert "Back to the sheets" not in reply.text and "from your course in the LMS" in reply.text


def test_the_pages_name_the_lms_course(lms: Lms) -> None:
    """Two courses in two tabs: each page's header says which course it is for."""
    lms.launch()  # course-1, "Calculus 1"
    title = pages.load_sheets([SHEET])[SHEET].sheet.title
    for path in (f"/sheets/{SHEET}", f"/sheets/{SHEET}/q/sigmoid"):
        header = lms.client.get(path).text.split("</header>")[0]
        assert f"Calculus 1 · {title}" in header
    assert "Calculus 1" in lms.client.get("/").text.split("</header>")[0]
    other = lms.browser()
    lms.launch(client=other, **{CLAIM + "context": {"id": "course-9", "label": "ALG2"}})  # no title: the label
    assert "ALG2" in other.get(f"/sheets/{SHEET}").text.split("</header>")[0]
    teacher = lms.browser()
    lms.launch(client=teacher, sub="teacher-1", **{CLAIM + "roles": list(INSTRUCTOR)})
    assert "Calculus 1" in teacher.get("/instructor").text.split("</header>")[0]


def test_lms_wording_where_class_mode_spoke_of_sign_in_links(lms: Lms) -> None:
    lms.launch()
    page = lms.client.get("/instructor")
    assert page.status_code == 403 and "instructors see this page" in page.text and "sign-in link" not in page.text
    home = lms.client.get("/").text
    assert "open the activity from your LMS again" in home and "sign-in link" not in home
