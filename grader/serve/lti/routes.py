"""The LTI endpoints (fixed paths, docs/lti.md): `/lti/login` (third-party initiated login),
`/lti/launch` (the platform's form post of the id_token), `/lti/jwks`, `/lti/config` (and
`/lti/config.json` for Canvas, `/lti/config/moodle.json`), `/lti/deeplink` (the instructor's pick),
and the two steps for a browser that refuses the tool's cookies inside the LMS page
(`/lti/login/check`, `/lti/login/tab`).

The login binds its state to the browser with a cookie of its own (SameSite=None; Secure: the launch
is a cross-site POST). `check` sees whether the cookie came back; if not (third-party cookies
blocked) the page offers "Open in a new tab", a link that moves that login, once, to a tab of its own,
where the tool's cookies are first-party: the login goes on there. Nothing here imports app.py: the
app hands over what it shares (`Host`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from grader.serve import pages
from grader.serve.database import Unavailable
from grader.serve.lti import config, deeplink, launch, passback, records, words
from grader.serve.lti.jwks import KeySets
from grader.serve.lti.keys import ToolKey
from grader.serve.lti.launch import DEEP_LINK, Launch, LtiError
from grader.serve.lti.platforms import Platform, find, frame_origins, origin
from grader.serve.security import FRAMED, read_form, same
from grader.serve.store import Store, Student

_log = logging.getLogger("grader.serve.lti")
_WHO = "grader.lti_who"  # the request's LMS (issuer, client id), for the log line of a refusal
MAX_FORM = 256_000  # bytes: an id_token with a course's custom claims is some kilobytes
COOKIE_SECONDS = int(records.LOGIN_SECONDS)
LOGINS_PER_MINUTE = 120  # per client address: a school's NAT sends a class's launches from one address


@dataclass
class Tool:
    """What `grader serve --lti` serves with: the platforms, the tool's key, the platforms' keys."""
    platforms: tuple[Platform, ...]
    key: ToolKey
    keysets: KeySets = field(default_factory=KeySets)
    public_url: str | None = None

    @property
    def frame_origins(self) -> tuple[str, ...]:
        return frame_origins(self.platforms)


@dataclass(frozen=True)
class Host:
    """What the app shares with the LTI routes."""
    store: Store
    sheets: Mapping[str, pages.Loaded]
    open_session: Callable[[Request, Response, Student], None]


_env = Environment(loader=PackageLoader("grader.serve", "templates"), autoescape=select_autoescape(default=True))
_env.filters["num"] = lambda x: f"{float(x):g}"


def routes(tool: Tool, host: Host) -> list[Route]:
    def bound(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        return functools.partial(handler, tool, host)

    return [
        Route("/lti/login", bound(login), methods=["GET", "POST"]),
        Route("/lti/login/check", bound(login_check)),
        Route("/lti/login/tab", bound(login_tab)),
        Route("/lti/launch", bound(launch_post), methods=["POST"]),
        Route("/lti/jwks", bound(jwks)),
        Route("/lti/config", bound(config_page)),
        Route("/lti/config.json", bound(config_json)),
        Route("/lti/config/moodle.json", bound(config_moodle)),
        Route("/lti/deeplink", bound(deeplink_post), methods=["POST"]),
    ]


def base_url(tool: Tool, request: Request) -> str:
    """The tool's public address: --public-url, else the address this request came to."""
    return tool.public_url or f"{request.url.scheme}://{request.url.netloc}"


def _page(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
          **values: Any) -> Response:
    request.scope[FRAMED] = True
    return HTMLResponse(_env.get_template(template).render(student=None, **values), status_code=status,
                        headers=headers)


def _message(request: Request, status: int, title: str, text: str, who: str = "") -> Response:
    """A page; a refusal (4xx) is also one line in the server's log, for the admin who sees only the
    terminal or `journalctl`: the status, the words, the LMS (issuer, client id) and never a token."""
    who = who or request.scope.get(_WHO, "")
    if status >= 400:
        _log.warning("LTI %s refused (%d %s): %s%s", request.url.path, status, title, text,
                     f" [{who}]" if who else "")
    return _page(request, "message.html", status, back="", back_text="", title=title, text=text)


def _who(issuer: object = "", client_id: object = "") -> str:
    return f"issuer {issuer or '?'}, client_id {client_id or '?'}"


def _claimed(token: str) -> str:
    """The issuer and audience an id_token claims, unverified: only to name the LMS in the log."""
    try:
        _, claims = launch.unverified(token)
    except LtiError:
        return _who()
    return _who(claims.get("iss"), claims.get("aud"))


def _refused(request: Request, err: LtiError, who: str = "") -> Response:
    status, text = words.describe(err)
    return _message(request, status, "LTI launch refused", text, who)


def cookie_name(state: str) -> str:
    """The cookie that binds one login's state to the browser that started it."""
    return "grader_lti_" + hashlib.sha256(state.encode()).hexdigest()[:16]


def _bind(response: Response, state: str) -> None:
    response.set_cookie(cookie_name(state), state, max_age=COOKIE_SECONDS, path="/lti/", httponly=True,
                        samesite="none", secure=True)


async def _fields(request: Request) -> dict[str, str] | None:
    """A GET's query or a POST's url-encoded form, up to MAX_FORM bytes (None beyond it)."""
    if request.method == "GET":
        return dict(request.query_params)
    return await read_form(request, MAX_FORM, fields=64)


# --- login ------------------------------------------------------------------------------------------


async def login(tool: Tool, host: Host, request: Request) -> Response:
    """Third-party initiated login: remember a state and a nonce for this browser, then on to the
    platform's authorisation endpoint (through `check`, which sees that the browser kept the cookie)."""
    given = await _fields(request)
    if given is None:
        return _message(request, 413, "LTI login refused", "The login request is too long.")
    address = request.client.host if request.client else ""
    if not host.store.allow(f"lti-login:{address}", LOGINS_PER_MINUTE, 60.0):  # each login is a row kept 10 min
        return _message(request, 429, "Slow down", "Too many LMS launches from this address in a minute: wait a "
                        "little, then open the activity again.")
    try:
        state = _start(tool, host, request, given)
    except LtiError as err:
        return _refused(request, err, _who(given.get("iss"), given.get("client_id")))
    response = RedirectResponse(f"/lti/login/check?state={urllib.parse.quote(state)}", status_code=302)
    _bind(response, state)
    return response


def _start(tool: Tool, host: Host, request: Request, given: dict[str, str]) -> str:
    """The login's state, once it and its nonce are stored with the platform's authorisation URL."""
    missing = [k for k in ("iss", "login_hint", "target_link_uri") if not given.get(k)]
    if missing:
        raise LtiError("login_fields", "missing: " + ", ".join(missing))
    client_id = given.get("client_id") or None
    platform = find(tool.platforms, given["iss"], client_id)
    if platform is None:
        raise LtiError("unknown_platform", f"iss {given['iss']!r}, client_id {client_id!r}")
    deployment = given.get("lti_deployment_id")
    if deployment and deployment not in platform.deployment_ids:
        raise LtiError("deployment", f"{deployment!r}; registered for {platform.name}: "
                       f"{', '.join(platform.deployment_ids)}")
    base = base_url(tool, request)
    target = urllib.parse.urlsplit(given["target_link_uri"])
    if target.netloc not in (urllib.parse.urlsplit(base).netloc, request.url.netloc):
        raise LtiError("target", f"{given['target_link_uri']!r}, this tool is at {base}")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    asked = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
             "client_id": platform.client_id, "redirect_uri": f"{base}/lti/launch", "login_hint": given["login_hint"],
             "state": state, "nonce": nonce}
    if given.get("lti_message_hint"):
        asked["lti_message_hint"] = given["lti_message_hint"]
    joiner = "&" if urllib.parse.urlsplit(platform.auth_login_url).query else "?"
    redirect = platform.auth_login_url + joiner + urllib.parse.urlencode(asked)
    records.start_login(host.store, state, nonce, platform.issuer, platform.client_id, redirect)
    return state


async def login_check(tool: Tool, host: Host, request: Request) -> Response:
    """The browser kept the state cookie: on to the platform. It did not (an LMS page whose browser
    blocks third-party cookies): a page with "Open in a new tab"."""
    state = request.query_params.get("state", "")
    started = records.login(host.store, state) if state else None
    if started is None:
        return _refused(request, LtiError("state_unknown"))
    if same(request.cookies.get(cookie_name(state), ""), state):
        return RedirectResponse(started.redirect, status_code=302)
    return _page(request, "lti_cookies.html", tab=f"/lti/login/tab?state={urllib.parse.quote(state)}")


async def login_tab(tool: Tool, host: Host, request: Request) -> Response:
    """The login moved to a new tab (once): this tab's browser holds the state now, then the platform."""
    state = request.query_params.get("state", "")
    redirect = records.move_login(host.store, state) if state else None
    if redirect is None:
        return _refused(request, LtiError("state_unknown", "a login opens in a new tab once"))
    response = RedirectResponse(redirect, status_code=302)
    _bind(response, state)
    return response


# --- launch -----------------------------------------------------------------------------------------


async def launch_post(tool: Tool, host: Host, request: Request) -> Response:
    """The platform's form post: every check of launch.py, then the resource or the deep linking page.
    A failed check is a 4xx page naming it; nothing is launched."""
    given = await _fields(request)
    if given is None:
        return _message(request, 413, "LTI launch refused", "The launch is too long.")
    who = _claimed(given.get("id_token", ""))
    try:
        done, state = await _validated(tool, host, request, given)
    except LtiError as err:
        return _refused(request, err, who)
    except Unavailable:
        raise  # the database, not the launch: the app's "try again in a minute" page (503)
    except Exception as err:  # never a 500 for what a platform sent: the step is named in the page
        return _refused(request, LtiError("not_jwt", f"unreadable: {type(err).__name__}"), who)
    request.scope[_WHO] = _who(done.platform.issuer, done.platform.client_id)
    if done.message_type == DEEP_LINK:
        response = _pick_page(tool, host, request, done)
    else:
        response = _resource(tool, host, request, done)
    response.delete_cookie(cookie_name(state), path="/lti/", httponly=True, samesite="none", secure=True)
    return response


async def _validated(tool: Tool, host: Host, request: Request, given: dict[str, str]) -> tuple[Launch, str]:
    token, state = given.get("id_token", ""), given.get("state", "")
    if not token:
        raise LtiError("no_token")
    if not state:
        raise LtiError("no_state")
    started = records.login(host.store, state)
    if started is None:
        raise LtiError("state_unknown")
    if not same(request.cookies.get(cookie_name(state), ""), state):
        raise LtiError("state_browser")
    platform = find(tool.platforms, started.issuer, started.client_id)
    if platform is None:
        raise LtiError("unknown_platform", f"iss {started.issuer!r}, client_id {started.client_id!r}")
    header, _ = launch.unverified(token)
    key = await tool.keysets.key(platform.key_set_url, launch.key_id(header))
    claims = launch.verified(token, key)
    nonce = claims.get("nonce")
    used = isinstance(nonce, str) and records.nonce_used(host.store, nonce)
    done = launch.check(claims, platform, started.nonce, time.time(), used)
    if not records.end_login(host.store, state, done.nonce, done.expires):
        raise LtiError("nonce_replayed", "another request used this login first")
    return done, state


def _resource(tool: Tool, host: Host, request: Request, done: Launch) -> Response:
    """A resource link: the student's sheet (or question), or the instructor page for the course."""
    sheet_id = done.get("sheet")
    if not sheet_id:
        return _message(request, 400, "No sheet named", "This LMS link names no sheet: add the custom parameter "
                        "sheet=SHEET_ID to the link (or create the link again with the tool's picker, deep linking).")
    loaded = host.sheets.get(sheet_id)
    if loaded is None:
        return _message(request, 404, "Unknown sheet", f"This LMS link names the sheet {sheet_id!r}, which this "
                        f"server does not serve (it serves {', '.join(host.sheets)}): serve it, or correct the "
                        "link's custom parameter sheet.")
    question, part = done.get("question"), done.get("part")
    questions = [q.id for q in loaded.sheet.questions]
    if question and question not in questions:
        return _message(request, 404, "Unknown question", f"The sheet {sheet_id!r} has no question {question!r} "
                        f"(its questions: {', '.join(questions)}): correct the link's custom parameter question.")
    if part and part not in loaded.sheet.parts:
        return _message(request, 404, "Unknown part", f"The sheet {sheet_id!r} has no part {part!r}: correct the "
                        "link's custom parameter part.")
    if done.observer:
        return _message(request, 403, "Observers cannot answer", "You opened this activity as an observer "
                        "(Mentor) of the course: observers cannot answer the sheets, and only the course's "
                        "instructors see the class's work. Ask the course's instructor if you need to see it.")
    student = records.member(host.store, done)
    if student.role == "instructor":
        where = "/instructor"
    else:
        records.remember_target(host.store, done, student, sheet_id, part or question)
        if done.ags is not None and done.ags.lineitem:
            passback.catch_up(host.store, loaded, student, done.ags.lineitem, datetime.now(UTC))
        shown = (part or question).split(".", 1)[0]
        where = f"/sheets/{sheet_id}/q/{shown}" + (f"#{part}" if part else "") if shown else f"/sheets/{sheet_id}"
    response = RedirectResponse(where, status_code=303)
    host.open_session(request, response, student)
    return response


# --- deep linking -----------------------------------------------------------------------------------


def _points(loaded: pages.Loaded, question: str = "") -> float:
    return sum(p.points for a, p in loaded.sheet.parts.items() if not question or a.split(".", 1)[0] == question)


def _pick_page(tool: Tool, host: Host, request: Request, done: Launch) -> Response:
    if not done.teaching:
        return _message(request, 403, "Instructors only", "Only an instructor of the course picks what an LMS link "
                        "opens (deep linking); this launch's roles are: " + (", ".join(done.roles) or "none") + ".")
    accepted = done.deep_linking.accept_types if done.deep_linking else ()
    if accepted and "ltiResourceLink" not in accepted:
        return _message(request, 400, "Nothing to offer", "The LMS asks for content of the types "
                        f"{', '.join(accepted)}; this tool offers links to sheets (ltiResourceLink) only.")
    sheets = [(i, s.sheet.title, _points(s), [(q.id, q.title, _points(s, q.id)) for q in s.sheet.questions])
              for i, s in host.sheets.items()]
    ticket = deeplink.ticket(done, tool.key.sign, time.time())
    return _page(request, "lti_pick.html", sheets=sheets, ticket=ticket, course=done.context_title)


async def deeplink_post(tool: Tool, host: Host, request: Request) -> Response:
    """The instructor's pick: the signed LtiDeepLinkingResponse, posted to the platform by the browser."""
    given = await _fields(request) or {}
    chosen = deeplink.read_ticket(given.get("ticket", ""), tool.key.private, time.time())
    if chosen is None:
        return _message(request, 403, "Pick again", "This page is older than an hour or did not come from this "
                        "server: open the tool's picker from the LMS again.")
    sheet_id, question = given.get("sheet", ""), given.get("question", "")
    if "/" in question:  # a question picked names its sheet: `sheet-id/question-id`
        sheet_id, question = question.split("/", 1)
    loaded = host.sheets.get(sheet_id)
    if loaded is None or (question and all(q.id != question for q in loaded.sheet.questions)):
        return _message(request, 404, "No such sheet", "Pick a sheet (and question) from the list.")
    if not records.use_once(host.store, "deep-linking:" + chosen.id, chosen.expires + 60):
        return _message(request, 409, "Already sent", "This pick was already sent to the LMS (a picker page "
                        "sends one choice, once): to add another link, open the tool's picker from the LMS again.")
    title = loaded.sheet.title if not question else next(
        f"{loaded.sheet.title}: {q.title}" for q in loaded.sheet.questions if q.id == question)
    custom = {"sheet": sheet_id} | ({"question": question} if question else {})
    signed = deeplink.response(chosen, f"{base_url(tool, request)}/lti/launch", title, custom,
                               _points(loaded, question), sheet_id + (f"/{question}" if question else ""),
                               tool.key.sign)
    csp = ("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
           f"form-action 'self' {origin(chosen.return_url)}; frame-ancestors 'self' "
           + " ".join(tool.frame_origins))
    return _page(request, "lti_return.html", headers={"content-security-policy": csp}, action=chosen.return_url,
                 jwt=signed, title=title)


# --- keys and configuration -------------------------------------------------------------------------


async def jwks(tool: Tool, host: Host, request: Request) -> Response:
    return JSONResponse(tool.key.jwks(), headers={"cache-control": "max-age=300"})


async def config_json(tool: Tool, host: Host, request: Request) -> Response:
    return JSONResponse(config.canvas(base_url(tool, request)))


async def config_moodle(tool: Tool, host: Host, request: Request) -> Response:
    return JSONResponse(config.moodle(base_url(tool, request)))


async def config_page(tool: Tool, host: Host, request: Request) -> Response:
    base = base_url(tool, request)
    return HTMLResponse(_env.get_template("lti_config.html").render(
        student=None, base=base, urls=config.urls(base), moodle=config.moodle(base),
        canvas=json.dumps(config.canvas(base), indent=2), platforms=tool.platforms))
