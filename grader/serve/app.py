"""The web app: Starlette routes for the practice pages. The only place here that talks HTTP.

Every POST carries the page's CSRF token (bound to the session) and a session cookie (HttpOnly,
SameSite=Lax, its own random value, ending after `Settings.session_days`); answers are capped in size,
rate-limited and budgeted per student (and per client address in practice mode), graded only once the
database has given them an attempt number (`Store.claim`), in worker processes with a hard deadline and
a fair queue (grader.serve.workers), and each graded answer is committed to SQLite before the reply.
Every response carries the headers of `grader.serve.security`.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import gc
import json
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from grader.core import limits
from grader.grading import plot_svg, plots
from grader.grading.item_analysis import chart_data
from grader.serve import pages, stats, work
from grader.serve.database import Unavailable
from grader.serve.lti import outbox, records
from grader.serve.security import FRAME_ANCESTORS, FRAMED, Headers, read_form, same
from grader.serve.store import LTI_PREFIX, Attempt, Claim, Store, Student, derived, visitor_seed
from grader.serve.workers import WAIT_FOR_WORKER, Done, Workers

if TYPE_CHECKING:
    from grader.serve.lti.routes import Tool

COOKIE = "grader_session"
_LOOKED_UP = "grader.session"  # a request's (cookie token, its student) once looked up (`_mark_lms`)
MAX_BODY = 4 * limits.MAX_DERIVATION_CHARS  # bytes of a form: the longest answer, percent-encoded, and a token
KILL_GRACE = 2.0  # seconds past the grading budget before the worker is killed
MAX_WAITING = 3  # a student's answers waiting for a worker or being graded: more is a flood, refused
MISSING_SECONDS = 120.0  # an attempt id skipped for this long was a rolled-back insert, not a slow commit


def plot_workers() -> Workers:
    """The worker that draws a server's plots: its own, at a lower CPU priority (nice 10), so that when
    the machine's cores are busy, drawing takes what the grades leave (a plot takes ten times a grade's
    CPU, and at 300 students on 2 cores the grades slowed by half when the same workers drew)."""
    return Workers(jobs=1, nice=10)


def settle() -> None:
    """Called once the server has loaded everything, just before it serves: what is loaded lives as long
    as the process, so it is frozen for the cyclic GC, which otherwise scanned it all at each full
    collection (the event loop stood still 90–100 ms, once or twice in 20 s at 300 students)."""
    gc.freeze()


PLOT_WAIT = 10.0  # seconds a plot waits for a free worker (grades go first) before the page says "busy"
PLOT_TRIES = 3  # a plot out of its time (a wall-clock budget: busy cores) is tried this often before "none"
PLOTS_KEPT = 2000  # plots drawn, kept by what they depend on (sheet, variant, part, answer, counterexample)


@dataclass
class Settings:
    seconds: float = limits.DEFAULT_SECONDS  # per answer, as `grader grade`
    grades_per_minute: int = 30
    previews_per_minute: int = 300
    attempts: int = pages.ATTEMPTS
    kill_grace: float = KILL_GRACE
    class_mode: bool = False  # sign-in links only: no session for a visitor without one
    session_days: float = 30.0  # a session ends after this many days unused (then: the link again)
    budget_seconds: float = 20.0  # worker time a student's answers and previews may take per minute
    address_factor: int = 4  # practice mode: a client address gets this many students' limits and budget
    frame_ancestors: tuple[str, ...] = FRAME_ANCESTORS  # who may frame the pages (CSP frame-ancestors)
    lti: Tool | None = None  # `--lti PLATFORMS.json`: the LTI endpoints, and LMS users' pages framed by their LMS


@dataclass
class _State:
    sheets: dict[str, pages.Loaded]
    store: Store
    workers: Workers
    settings: Settings
    drawing: Workers  # who draws the wrong answers' plots
    pairs: stats.Pairs = field(default_factory=stats.Pairs)  # the instructor page's confirmed pairs
    class_rows: list[stats.Row] = field(default_factory=list)  # every class attempt read so far, decoded
    class_seen: int = 0  # the last attempt id in class_rows: a refresh reads only what came after
    class_lock: threading.Lock = field(default_factory=threading.Lock)
    class_missing: dict[int, float] = field(default_factory=dict)  # ids skipped (not yet committed) -> when
    threads: anyio.CapacityLimiter = field(init=False)
    plots: collections.OrderedDict[str, str] = field(default_factory=collections.OrderedDict)  # key -> JSON, "" none
    plot_tries: dict[str, int] = field(default_factory=dict)  # plots that ran out of time, tried again when asked

    def __post_init__(self) -> None:
        # threads waiting for a worker: their own pool, so that waiting answers never hold up a page
        self.threads = anyio.CapacityLimiter(200)


_env = Environment(loader=PackageLoader("grader.serve", "templates"), autoescape=select_autoescape(default=True))
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")
_CODE = re.compile(r"`([^`]+)`")
_MATH = re.compile(r"(\$[^$]*\$)")


def paragraphs(text: str) -> list[Markup]:
    """Sheet prose as paragraphs: escaped first, then only **bold**, *emphasis* and `code` become tags,
    outside maths (which stays text for KaTeX: `$a*b$` keeps its star)."""
    shown = []
    for piece in str(text).split("\n\n"):
        if piece.strip():
            safe = str(escape(piece.strip()))
            safe = "".join(chunk if i % 2 else _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", chunk))
                           for i, chunk in enumerate(_MATH.split(safe)))
            shown.append(Markup(_CODE.sub(r"<code>\1</code>", safe)))
    return shown


_env.filters["paragraphs"] = paragraphs
_env.filters["num"] = lambda x: f"{float(x):g}"
_env.filters["fixed"] = lambda x: "—" if x is None else f"{float(x):.2f}"  # as summary.md and report.html


def plot_figure(drawn: plots.Plot) -> Markup:
    """A wrong answer's plot (numbers and short words: grader.grading.plots) as inline SVG, which
    escapes every text."""
    return Markup(plot_svg.svg(drawn))


_env.filters["svg"] = plot_figure


def create_app(sheets: dict[str, pages.Loaded], store: Store, workers: Workers,
               settings: Settings | None = None, sender: outbox.Sender | None = None,
               drawing: Workers | None = None) -> Headers:
    """The app; `sender` (LTI grade passback: `outbox.Sender(store, tool_key.sign)`) runs while it serves;
    `drawing`, the workers that draw the plots (`plot_workers`), else `workers` draw them too."""
    state = _State(sheets, store, workers, settings or Settings(), drawing=drawing or workers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if sender is not None:
            sender.start()
        try:
            yield
        finally:
            if sender is not None:
                await sender.stop()

    static = StaticFiles(directory=str(Path(__file__).parent / "static"))
    routes = [
        Route("/", functools.partial(index, state)),
        Route("/sheets/{sheet}", functools.partial(sheet_page, state)),
        Route("/sheets/{sheet}/q/{question}", functools.partial(question_page, state)),
        Route("/sheets/{sheet}/parts/{part}/answer", functools.partial(answer, state), methods=["POST"]),
        Route("/sheets/{sheet}/parts/{part}/hint", functools.partial(reveal, state, "hint"), methods=["POST"]),
        Route("/sheets/{sheet}/parts/{part}/solution", functools.partial(reveal, state, "solution"),
              methods=["POST"]),
        Route("/sheets/{sheet}/parts/{part}/plot", functools.partial(plot_page, state)),
        Route("/preview", functools.partial(preview, state), methods=["POST"]),
        Route("/signin/{token}", functools.partial(signin, state), methods=["GET", "POST"]),
        Route("/signout", functools.partial(signout, state), methods=["POST"]),
        Route("/instructor", functools.partial(instructor_page, state)),
        Route("/instructor/stats.json", functools.partial(instructor_stats, state)),
        Mount("/static", static, name="static"),
    ]
    tool = state.settings.lti
    if tool is not None:
        from grader.serve.lti import routes as lti  # lazy: the LTI extra (joserfc, httpx) loads only with --lti

        routes[-1:-1] = lti.routes(tool, lti.Host(state.store, state.sheets, functools.partial(_open_lms, state)))
    handlers = {Unavailable: functools.partial(_unavailable, state)}
    inner: Any = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    if tool is not None:
        inner = functools.partial(_mark_lms, state, inner)
    return Headers(inner, state.settings.frame_ancestors, tool.frame_origins if tool is not None else ())


async def _mark_lms(state: _State, inner: Any, scope: Any, receive: Any, send: Any) -> None:
    """With --lti: every reply to an LMS session (a 404 for an unknown path too, which no page handler
    sees) may be framed by the LMS, or the browser shows its own error in the LMS page's frame."""
    if scope["type"] == "http" and not str(scope.get("path", "")).startswith("/static/"):
        token = _token(Request(scope))
        if token is not None:
            try:
                found = state.store.student(token)
            except Unavailable:
                found = None  # the page's own lookup says so (503)
            scope[_LOOKED_UP] = (token, found)
            if found is not None and found.from_lms:
                scope[FRAMED] = True
    await inner(scope, receive, send)


async def _unavailable(state: _State, request: Request, exc: Exception) -> Response:
    """The database cannot be reached (down, restarting): say that nothing was saved, never a 500 and
    never a page that looks as if it was. The next request tries the database again."""
    headers = {"retry-after": "30"}
    if request.url.path.endswith("/preview") or request.url.path.endswith(".json"):
        return JSONResponse({"lines": [], "error": "the server's database is not reachable just now"},
                            status_code=503, headers=headers)
    if request.method == "POST":
        what = ("Your answer was not saved" if request.url.path.endswith("/answer") else
                "What you asked for was not saved")
        return _message(503, "Not saved", f"{what}: the class database cannot be reached just now. "
                        "Wait a minute, open the page again, and send it again.", headers=headers)
    return _message(503, "Try again in a minute", "The class database cannot be reached just now; nothing is "
                    "lost. Open the page again in a minute.", headers=headers)


# --- sessions ---------------------------------------------------------------------------------------


def _token(request: Request) -> str | None:
    token = request.cookies.get(COOKIE)
    return token if token and len(token) < 100 else None


def _visitor(token: str) -> Student:
    """A practice visitor before their first answer: nothing stored, the page's CSRF token and the
    variants shown come from the cookie alone (the same at their first answer, which stores them)."""
    return Student(0, derived(token, "csrf"), visitor_seed(token), token=token)


def _student(state: _State, request: Request) -> Student | None:
    """Whom this browser's session names; in practice mode a visitor is someone too (not stored). An
    LMS user's pages may be shown in their LMS's frame (the Headers middleware reads the mark)."""
    token = _token(request)
    if token is None:
        return None
    seen = request.scope.get(_LOOKED_UP)
    found = seen[1] if seen is not None and seen[0] == token else state.store.student(token)
    if found is not None and found.from_lms:
        request.scope[FRAMED] = True
    return found or (None if state.settings.class_mode else _visitor(token))


def _term(state: _State) -> float:
    return state.settings.session_days * 86400


LMS_SESSION_SECONDS = 8 * 3600.0  # an LMS launch's session: a school day, never renewed (docs/lti.md)


def _set_cookie(state: _State, request: Request, response: Response, token: str, lms: bool = False) -> None:
    """The session cookie. SameSite=Lax, not Strict: a sign-in link opened from a mail must carry the
    cookie of whoever is signed in already, so that the switch is asked (`signin`); cross-site POSTs
    still carry no cookie, and every POST needs the page's CSRF token besides. An LMS user's (`lms`) is
    SameSite=None; Secure: their pages live in the LMS page's frame, another site, where a Lax cookie
    is never sent; the CSRF token still guards every POST. It is also a browser-session cookie (no
    Max-Age), and its session ends on the server LMS_SESSION_SECONDS after the launch: on a shared lab
    computer the next person must not work as the previous student."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="none" if lms else "lax", path="/",
                        max_age=None if lms else int(_term(state)), secure=lms or request.url.scheme == "https")


def _open_lms(state: _State, request: Request, response: Response, student: Student) -> None:
    """A session for an LMS user the launch signed in (serve/lti/routes.py)."""
    _set_cookie(state, request, response, state.store.sign_in(student, LMS_SESSION_SECONDS), lms=True)


def _render(state: _State, request: Request, template: str, build: Any, status: int = 200) -> Response:
    student = _student(state, request)
    fresh = None
    if student is None and state.settings.class_mode:
        return _message(403, "Sign in first", "Open this activity from your course in the LMS again."
                        if state.settings.lti is not None else "Open the sign-in link your instructor sent you.",
                        back="")  # the sheets would say the same again
    if student is None:
        fresh = secrets.token_urlsafe(32)
        student = _visitor(fresh)
    html = _env.get_template(template).render(student=student, class_mode=state.settings.class_mode,
                                              course=_course_title(state, student), **build(student))
    response = HTMLResponse(html, status_code=status)
    if fresh is not None:
        _set_cookie(state, request, response, fresh)
    elif student.id and not student.from_lms and student.expires - time.time() < _term(state) - 86400:
        state.store.renew(student.token, _term(state))  # in use: renewed once a day; an LMS session never
        _set_cookie(state, request, response, student.token)
    return response


def _course_title(state: _State, student: Student | None) -> str:
    """An LMS user's course, named in their pages' header: a student with two courses in two tabs sees
    which course a page is for."""
    if student is None or not student.id or not student.from_lms or state.settings.lti is None:
        return ""
    return records.course_title(state.store, student.id)


def _message(status: int, title: str, text: str, back: str = "/", back_text: str = "Back to the sheets",
             student: Student | None = None, headers: dict[str, str] | None = None) -> Response:
    html = _env.get_template("message.html").render(title=title, text=text, student=student, back=back,
                                                    back_text=back_text)
    return HTMLResponse(html, status_code=status, headers=headers)


async def _form(request: Request, cap: int = MAX_BODY) -> dict[str, str] | None:
    """The url-encoded form of a POST, read up to `cap` bytes (None beyond it: the caller says 413); too
    many fields is no form of ours, so `{}`, which the CSRF check then refuses."""
    return await read_form(request, cap, fields=8)


def _checked(state: _State, request: Request, given: str | None) -> Student | Response:
    student = _student(state, request)
    if student is None:
        return _message(403, "Session expired", "Open the page again to start a session, then send your answer."
                        if not state.settings.class_mode else "Open your sign-in link again, then send your answer.")
    if not given or not same(given, student.csrf):
        return _message(403, "Refused", "This request did not come from a page of this server (CSRF token), or "
                        "this browser signed out or in since the page was opened: open the page again.")
    return student


def _owner(state: _State, request: Request, student: Student) -> Hashable:
    """Whose turn a grading job takes and whose budget it uses: the student in class mode; in practice
    mode, where a new cookie is free, the client address."""
    if state.settings.class_mode:
        return ("student", student.id)
    return ("address", request.client.host if request.client else "")


def _key(owner: Hashable) -> str:
    """An owner as the database's key for the worker time it used: `student:12`, `address:10.0.0.7`."""
    return ":".join(str(part) for part in owner) if isinstance(owner, tuple) else str(owner)


def _limited(state: _State, request: Request, student: Student, what: str, per_minute: int) -> bool:
    """Over the rate limit (`what`: grade or preview): per student (per cookie), and in practice mode
    per client address too. Counted in the database when several servers share it."""
    who = f"student:{student.id}" if state.settings.class_mode else f"cookie:{derived(student.token, 'rate')}"
    if not state.store.allow(f"{what}:{who}", per_minute, 60.0):
        return True
    if state.settings.class_mode:
        return False
    address = request.client.host if request.client else ""
    return not state.store.allow(f"{what}:address:{address}", per_minute * state.settings.address_factor, 60.0)


# --- class mode -------------------------------------------------------------------------------------


def _home(student: Student) -> str:
    return "/instructor" if student.role == "instructor" else "/"


async def signin(state: _State, request: Request) -> Response:
    """A sign-in link. With nobody signed in in this browser it opens a session at once (a page, then
    on: one click from a mail). With someone else signed in it asks first, and only a POST of that
    page (its CSRF token is the current session's) switches: a page that sends the browser to another
    student's link cannot make this one's work land under theirs."""
    token = request.path_params["token"]
    member = state.store.by_link(token) if state.settings.class_mode and len(token) < 100 else None
    private = {"cache-control": "no-store", "referrer-policy": "no-referrer"}  # the link is a password
    if member is None:
        return _message(403, "Unknown link", "This sign-in link is not one of this class's; ask your instructor.",
                        headers=private)
    current = _student(state, request)
    if request.method == "POST" and current is None:  # the confirm page's button, from this server only
        if _cross_site(request):
            return _message(403, "Refused", "Open your sign-in link again.", headers=private)
    elif request.method == "POST":
        form = await _form(request)
        if current is None or form is None or not same(form.get("csrf", ""), current.csrf):
            return _message(403, "Refused", "Open your sign-in link again.", headers=private)
        state.store.sign_out(current.token)
    elif current is None and _sent_by_another_site(request):
        html = _env.get_template("confirm_signin.html").render(member=member, action=request.url.path)
        return HTMLResponse(html, headers=private)
    elif current is not None and current.id == member.id:
        html = _env.get_template("signin.html").render(student=current, home=_home(member), already=True)
        return HTMLResponse(html, headers=private)
    elif current is not None:
        html = _env.get_template("switch.html").render(student=current, member=member, action=request.url.path)
        return HTMLResponse(html, headers=private)
    session = state.store.sign_in(member, _term(state))
    html = _env.get_template("signin.html").render(student=state.store.student(session), home=_home(member))
    response = HTMLResponse(html, headers=private)
    _set_cookie(state, request, response, session)
    return response


def _sent_by_another_site(request: Request) -> bool:
    """A navigation another site started without the person's click (a redirect, a refresh, a script):
    what a page uses to sign a browser in as someone else. Fetch Metadata says so; a link clicked in a
    mail, typed or opened from a mail program is the person's (`Sec-Fetch-User: ?1` or no other site)."""
    site = request.headers.get("sec-fetch-site")
    return site in ("cross-site", "same-site") and request.headers.get("sec-fetch-user") != "?1"


def _cross_site(request: Request) -> bool:
    """A POST not sent by a page of this server (Fetch Metadata, else the Origin header)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}"


async def signout(state: _State, request: Request) -> Response:
    form = await _form(request)
    student = _checked(state, request, (form or {}).get("csrf"))
    if isinstance(student, Response):
        return student
    state.store.sign_out(student.token)
    again = ("Open your sign-in link to sign in again." if state.settings.class_mode else
             "Your practice progress stays on the server, but this browser no longer reaches it.")
    response = _message(200, "Signed out", f"This browser is signed out. {again}")
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def instructor_page(state: _State, request: Request) -> Response:
    student = _student(state, request)
    if student is None or student.role != "instructor":
        return _message(403, "Instructors only", "Only the course's instructors see this page."
                        if state.settings.lti is not None and (student is None or student.from_lms) else
                        "This page needs the instructor's sign-in link.")
    parts, figures = await anyio.to_thread.run_sync(_class_summary, state, student.course)  # waits for workers
    with state.class_lock:
        members = stats.students(_course_roster(state, student.course), _course_rows(state, student.course))
    if student.course:  # an LMS course: its students by the LMS's user id, not the `lti:<course>:` key
        members = [m | {"id": m["id"].split(":", 2)[-1]} for m in members]
    only = await anyio.to_thread.run_sync(records.course_scores, state.store, student.course) if student.course \
        else None  # an LMS instructor: their course's scores; the class mode's instructor runs the server: all
    scores = await anyio.to_thread.run_sync(outbox.overview, state.store, only)
    names = {m["id"]: m["name"] for m in members if m["name"] and m["name"] != m["id"]}
    html = _env.get_template("instructor.html").render(
        student=student, parts=parts, members=members, scores=scores, figures=figures, names=names,
        course=_course_title(state, student))
    return HTMLResponse(html)


def _in_course(roster_id: str, course: str | None) -> bool:
    """Whether a student belongs to the class an instructor sees: an LMS instructor sees their course
    only (courses are kept apart); the class mode's instructor sees the roster's students."""
    return roster_id.startswith(f"{LTI_PREFIX}{course}:") if course else not roster_id.startswith(LTI_PREFIX)


def _course_roster(state: _State, course: str | None) -> list[tuple[str, str]]:
    return [(r, name) for r, name in state.store.roster() if _in_course(r, course)]


def _course_rows(state: _State, course: str | None) -> list[stats.Row]:
    return [row for row in state.class_rows if _in_course(row.student, course)]


def _class_summary(state: _State, course: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The figures (of one LMS course, or the class mode's roster); blocks on worker processes
    (confirming groups), so never on the event loop."""
    with state.class_lock:  # attempts are only ever added: decode each once, not at every refresh
        now = time.time()
        state.class_missing = {i: t for i, t in state.class_missing.items() if now - t < MISSING_SECONDS}
        before = state.class_seen
        read = state.store.class_rows(before, tuple(state.class_missing))
        for r in read:
            state.class_missing.pop(r[0], None)
            state.class_rows.append(stats.Row(r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]), r[9]))
            state.class_seen = max(state.class_seen, r[0])
        if state.store.shared:  # ids skipped may be answers another server has not committed yet: ask again
            got = {r[0] for r in read}
            state.class_missing.update((i, now) for i in range(before + 1, state.class_seen) if i not in got)
        rows = _course_rows(state, course)
    grouping = stats.group_wrong(rows, state.pairs, functools.partial(_same, state))
    found = {(p["sheet"], p["part"]): p for p in stats.summary(rows, state.pairs, _never, grouping)}
    roster = [student for student, _ in _course_roster(state, course)]
    figures = []  # each sheet the class has answered: item analysis over the answers that count
    shown = []  # every part of each sheet the class has answered, in sheet order; a part nobody tried shows 0
    for sheet_id, loaded in state.sheets.items():
        if any(sheet == sheet_id for sheet, _ in found):
            for address, part in loaded.sheet.parts.items():
                empty = {"sheet": sheet_id, "part": address, "attempted": 0, "correct": 0, "mean": 0.0, "wrong": []}
                shown.append(found.get((sheet_id, address), empty) | {"max": part.points})
            analysis = stats.items(loaded.sheet, roster, rows, grouping)
            figures.append({"sheet": sheet_id, "title": loaded.sheet.title, "items": analysis.to_json(),
                            "chart": chart_data(analysis)})
    return shown, figures


def _never(slot: stats.Slot, seed: int, a: str, b: str) -> bool | None:
    raise AssertionError("the grouping is already made")


def _same(state: _State, slot: stats.Slot, seed: int, a: str, b: str) -> bool | None:
    """Whether a worker proved two wrong answers equal: a timeout or a failure is "not proved";
    None when no worker was free in time (asked again at the next refresh)."""
    loaded = state.sheets.get(slot[0])
    if loaded is None:
        return False
    seconds = state.settings.seconds
    done: Done = state.workers.run(work.same_answers, loaded.path, seed, slot[1], a, b, seconds,
                                   deadline=seconds + state.settings.kill_grace, urgent=False)
    if done.failure == "busy":
        return None
    return done.failure is None and done.value is True


async def instructor_stats(state: _State, request: Request) -> Response:
    """The instructor page's figures as JSON, fetched every few seconds by instructor.js."""
    student = _student(state, request)
    if student is None or student.role != "instructor":
        return JSONResponse({"error": "instructors only"}, status_code=403)
    summary, figures = await anyio.to_thread.run_sync(_class_summary, state, student.course)
    return JSONResponse({"parts": summary, "figures": figures}, headers={"cache-control": "no-store"})


# --- pages ------------------------------------------------------------------------------------------


async def index(state: _State, request: Request) -> Response:
    def build(student: Student) -> dict[str, Any]:
        listed = []
        for sheet_id, loaded in state.sheets.items():
            ended = pages.ended_by_solution(loaded, student.seed, state.store.reveals(student, sheet_id))
            rows = pages.score_rows(loaded.sheet, state.store.attempts(student, sheet_id), ended)
            listed.append((sheet_id, loaded.sheet.title, len(rows), sum(r.best for r in rows),
                           sum(r.points for r in rows)))
        return {"sheets": listed}
    return _render(state, request, "index.html", build)


def _sheet(state: _State, request: Request) -> pages.Loaded | None:
    return state.sheets.get(request.path_params["sheet"])


async def sheet_page(state: _State, request: Request) -> Response:
    loaded = _sheet(state, request)
    if loaded is None:
        return _message(404, "No such sheet", "Go back to the list of sheets.")

    def build(student: Student) -> dict[str, Any]:
        from grader.sheets import variants  # the student's variant of each randomised question

        sheet = variants.pick(loaded.sheet, student.seed)
        ended = pages.ended_by_solution(loaded, student.seed, state.store.reveals(student, sheet.id))
        rows = pages.score_rows(sheet, state.store.attempts(student, sheet.id), ended)
        questions = [(q.id, q.title, pages.variant_of(sheet, q, student.seed)) for q in sheet.questions]
        return {"sheet": sheet, "questions": questions, "rows": rows, "randomised": sheet.randomised,
                "total": sum(r.best for r in rows), "max": sum(r.points for r in rows)}
    return _render(state, request, "sheet.html", build)


async def question_page(state: _State, request: Request) -> Response:
    loaded = _sheet(state, request)
    question_id = request.path_params["question"]
    if loaded is None or all(q.id != question_id for q in loaded.sheet.questions):
        return _message(404, "No such question", "Go back to the sheet.")

    def build(student: Student) -> dict[str, Any]:
        from grader.sheets import variants  # the student's variant of a randomised question

        sheet = variants.pick(loaded.sheet, student.seed)
        question = next(q for q in sheet.questions if q.id == question_id)
        attempts = state.store.attempts(student, sheet.id)
        parts = pages.question_parts(loaded, question, student.seed, attempts, state.store.reveals(student, sheet.id))
        return {"sheet": sheet, "question": question, "parts": parts,
                "variant": pages.variant_of(sheet, question, student.seed)}
    return _render(state, request, "question.html", build)


# --- actions ----------------------------------------------------------------------------------------


def _part_of(state: _State, request: Request) -> tuple[pages.Loaded, str] | None:
    loaded = _sheet(state, request)
    address = request.path_params["part"]
    if loaded is None or address not in loaded.sheet.parts:
        return None
    return loaded, address


def _back_url(loaded: pages.Loaded, address: str) -> str:
    return f"/sheets/{loaded.sheet.id}/q/{address.split('.', 1)[0]}#{address}"


def _back(loaded: pages.Loaded, address: str) -> Response:
    return RedirectResponse(_back_url(loaded, address), status_code=303)


async def _part_post(
    state: _State, request: Request, too_long: tuple[str, str]
) -> tuple[pages.Loaded, str, dict[str, str], Student] | Response:
    """A POST about one part: the part, its form and the signed-in student, or the page that says
    why not (no such part 404, a form past the cap 413 with `too_long`, session or CSRF 403)."""
    found = _part_of(state, request)
    if found is None:
        return _message(404, "No such part", "Go back to the sheet.", student=_student(state, request))
    loaded, address = found
    form = await _form(request)
    if form is None:
        return _message(413, *too_long)
    student = _checked(state, request, form.get("csrf"))
    if isinstance(student, Response):
        return student
    return loaded, address, form, student


_OVER = {
    "correct": ("Already answered", "You already answered {part} correctly (in another tab or window?). "
                "This answer was not graded and used no attempt."),
    "used": ("No attempts left", "{part} has no attempts left. This answer was not graded."),
    "ended": ("Solution shown", "The worked solution for {part} was shown, so no more answers to it are graded. "
              "This answer was not graded and used no attempt."),
    "busy": ("Still checking", "Your previous answer to {part} is still being checked. This one was not graded "
             "and used no attempt: look at the part, then send it again if you still want to."),
}


async def answer(state: _State, request: Request) -> Response:
    posted = await _part_post(state, request, (
        "Answer too long", f"An answer may have at most {limits.MAX_DERIVATION_CHARS} characters."))
    if isinstance(posted, Response):
        return posted
    loaded, address, form, student = posted
    text = form.get("answer", "").replace("\r\n", "\n")
    part = loaded.sheet.part(address)
    cap = limits.MAX_DERIVATION_CHARS if part.kind == "derivation" else limits.MAX_ANSWER_CHARS
    back = _back_url(loaded, address)
    if len(text) > cap:
        return _message(413, "Answer too long", f"An answer to this part may have at most {cap} characters.",
                        back, "Back to the question", student)
    if not text.strip():
        return _back(loaded, address)
    owner = _owner(state, request, student)
    if _limited(state, request, student, "grade", state.settings.grades_per_minute):
        return _message(429, "Slow down", "Too many answers in a minute: wait a little, then send it again.",
                        back, "Back to the question", student)
    budget = state.settings.budget_seconds * (1 if state.settings.class_mode else state.settings.address_factor)
    used = max(state.workers.used(owner), state.store.spent(_key(owner)))  # this server's, or all servers'
    if used >= budget or state.workers.waiting(owner) >= MAX_WAITING:
        why = (f"Your answers took {used:.0f} s of checking in the last minute, the most one person may use"
               if used >= budget else f"{MAX_WAITING} of your answers are being checked")
        return _message(429, "Slow down", f"{why}: wait a little, then send it again (no attempt was used).",
                        back, "Back to the question", student)
    if not student.id:  # a practice visitor's first answer: now they are stored
        student = state.store.practice_student(student.token, _term(state))
    claim = state.store.claim(student, loaded.sheet.id, address, state.settings.attempts,
                              pages.enders(loaded, student.seed, address), _stale(state), MAX_WAITING)
    if isinstance(claim, str):
        title, words = _OVER[claim]
        return _message(409, title, words.format(part=address), back, "Back to the question", student)
    try:
        result = await _grade(state, loaded, student, address, text, owner)
    except BaseException:
        state.store.release(claim)
        raise
    return _stored(state, loaded, student, address, text, claim, result)


def _stale(state: _State) -> float:
    """Seconds after which an answer still in flight was lost (its server was killed): no answer waits
    longer for a worker, and none is graded for longer, so the part reopens then."""
    return WAIT_FOR_WORKER + state.settings.seconds + state.settings.kill_grace + 15.0


async def _grade(state: _State, loaded: pages.Loaded, student: Student, address: str, text: str,
                 owner: Hashable) -> dict[str, Any]:
    seconds = state.settings.seconds
    done: Done = await anyio.to_thread.run_sync(functools.partial(
        state.workers.run, work.grade_answer, loaded.path, student.seed, address, text, seconds,
        deadline=seconds + state.settings.kill_grace, owner=owner), limiter=state.threads)
    state.store.spend(_key(owner), done.seconds)
    part = loaded.sheet.part(address)
    return done.value if done.failure is None else _unchecked(part.address, part.points, seconds, done)


def _stored(state: _State, loaded: pages.Loaded, student: Student, address: str, text: str, claim: Claim,
            result: dict[str, Any]) -> Response:
    from grader.sheets import variants  # which variant was answered, for the record

    question = variants.question_of(variants.pick(loaded.sheet, student.seed), address)
    variant = pages.variant_of(loaded.sheet, question, student.seed) if question else ""
    if not state.store.finish(claim, variant, text, result):  # committed before the reply
        return _message(409, "Send it again", f"Checking this answer to {address} took so long that it was given "
                        "up; it was not stored and used no attempt.", _back_url(loaded, address),
                        "Back to the question", student)
    if student.from_lms and state.settings.lti is not None and result.get("status") != "invalid":
        _pass_back(state, loaded, student)  # an unreadable answer used no attempt: the score did not change
    return _back(loaded, address)


def _pass_back(state: _State, loaded: pages.Loaded, student: Student) -> None:
    """An LMS student's graded answer: their score for each resource of this sheet goes to the LMS's
    gradebook (serve/lti/passback.py, the outbox's seam)."""
    from datetime import UTC, datetime

    from grader.serve.lti import passback  # lazy: the LTI extra loads only with --lti

    passback.send(state.store, loaded, student, datetime.now(UTC))


def _unchecked(address: str, points: float, seconds: float, done: Done) -> dict[str, Any]:
    """An `invalid` result for an answer whose worker ran out of time, memory or crashed."""
    words = (f"This answer took longer than {seconds:g} s to check; write it in a simpler form."
             if done.failure in ("timeout", "crash") else
             "The server is busy; send your answer again in a moment (no attempt was used)."
             if done.failure == "busy" else
             "This answer could not be checked; write it in a simpler form (no attempt was used).")
    return {"part": address, "status": "invalid", "score": 0.0, "points": 0.0, "max_points": points,
            "feedback": words, "interpreted": None, "decided_by": done.failure or "error", "parse_error": None,
            "steps": []}


async def reveal(state: _State, what: str, request: Request) -> Response:
    posted = await _part_post(state, request, ("Request too long", "This request is too long."))
    if isinstance(posted, Response):
        return posted
    loaded, address, form, student = posted
    part = loaded.sheet.part(address)
    if not student.id:  # a practice visitor's first hint or solution: now they are stored
        student = state.store.practice_student(student.token, _term(state))
    if what == "solution":
        # The button named the open parts this solution ends; if another has opened since (another tab),
        # ask again rather than end it without a word.
        ends = pages.solution_ends(loaded, student.seed, address, state.store.attempts(student, loaded.sheet.id),
                                   state.store.reveals(student, loaded.sheet.id))
        named = set(filter(None, form.get("ends", "").split(",")))
        if not set(ends) <= named:
            html = _env.get_template("confirm.html").render(
                student=student, sheet=loaded.sheet, address=address, ends=ends, back=_back_url(loaded, address),
                solution=pages.solution_address(loaded, student.seed, address))
            return HTMLResponse(html, status_code=409)
        state.store.reveal(student, loaded.sheet.id, address, solution=True)
        return _back(loaded, address)
    shown = state.store.reveals(student, loaded.sheet.id).get(address)
    if (shown.hints if shown else 0) < len(part.hints):
        state.store.reveal(student, loaded.sheet.id, address, hint=True)
    return _back(loaded, address)


async def plot_page(state: _State, request: Request) -> Response:
    """The plot of a student's graded wrong answer (`?n=`: the how-manyth answer to the part, so that a
    page shows the plot of the answer it shows, whatever another tab sent since). The question page's
    script puts its figure under the verdict; without a script, a link opens this page. Drawn when
    asked, not while grading (ten times a grade's time), by the drawing worker (`plot_workers`, nice
    10: on busy cores the grades go first); a plot waits up to PLOT_WAIT seconds for it, then the page
    says the server is busy."""
    found = _part_of(state, request)
    student = _student(state, request)
    if found is None or student is None:
        return _message(404, "No such plot", "Go back to the sheet.")
    loaded, address = found
    mine = [a for a in state.store.attempts(student, loaded.sheet.id) if a.part == address]
    n = request.query_params.get("n", "")
    attempt = mine[int(n) - 1] if n.isdigit() and 0 < int(n) <= len(mine) else None
    figure, busy = None, False
    if attempt is not None and attempt.status == "incorrect":
        stored = attempt.result.get("plot")  # drawn while grading by an older version of the server
        figure, busy = (plots.from_json(stored), False) if stored else \
            await _plot(state, request, loaded, student, attempt)
    html = _env.get_template("plot.html").render(
        student=student, sheet=loaded.sheet, address=address, back=_back_url(loaded, address),
        course=_course_title(state, student), figure=figure, busy=busy, attempt=attempt, n=n)
    return HTMLResponse(html)  # no-store, as every page (security.Headers): the server keeps it (`_plot`)


async def _plot(state: _State, request: Request, loaded: pages.Loaded, student: Student,
                attempt: Attempt) -> tuple[plots.Plot | None, bool]:
    """The attempt's plot (None if it has none), and whether no worker was free in time to draw it."""
    counterexample = attempt.result.get("counterexample")
    if not isinstance(counterexample, dict):
        return None, False
    key = json.dumps([loaded.sheet.id, student.seed, attempt.part, attempt.answer, counterexample])
    if key in state.plots:
        state.plots.move_to_end(key)
        return (plots.from_json(json.loads(state.plots[key])) if state.plots[key] else None), False
    owner = _owner(state, request, student)
    seconds = min(state.settings.seconds, limits.PLOT_SECONDS)
    done: Done = await anyio.to_thread.run_sync(functools.partial(
        state.drawing.run, work.plot_answer, loaded.path, student.seed, attempt.part, attempt.answer,
        counterexample, seconds, deadline=seconds + state.settings.kill_grace, urgent=False, owner=owner,
        wait=PLOT_WAIT), limiter=state.threads)
    state.store.spend(_key(owner), done.seconds)
    if done.failure == "busy":
        return None, True
    data = done.value if done.failure is None else None  # a failure: no plot, not asked again
    if data is None and done.seconds >= 0.9 * seconds and state.plot_tries.get(key, 0) < PLOT_TRIES - 1:
        if len(state.plot_tries) >= PLOTS_KEPT:
            state.plot_tries.clear()
        state.plot_tries[key] = state.plot_tries.get(key, 0) + 1  # out of time: on busy cores, maybe; asked again
        return None, True
    state.plot_tries.pop(key, None)
    state.plots[key] = json.dumps(data) if data else ""  # ~2 KB
    while len(state.plots) > PLOTS_KEPT:
        state.plots.popitem(last=False)
    return (plots.from_json(data) if data else None), False


async def preview(state: _State, request: Request) -> Response:
    """How the server reads what is typed: {"lines": [{"latex": ...} | {"error", "caret", "hint"}]}."""
    student = _student(state, request)
    if student is None or not same(request.headers.get("x-csrf-token", ""), student.csrf):
        return JSONResponse({"error": "refused (session or CSRF token)"}, status_code=403)
    form = await _form(request)
    if form is None:
        return JSONResponse({"error": "too long to preview"}, status_code=413)
    loaded = state.sheets.get(form.get("sheet", ""))
    address = form.get("part", "")
    if loaded is None or address not in loaded.sheet.parts:
        return JSONResponse({"error": "no such part"}, status_code=404)
    text = form.get("text", "").replace("\r\n", "\n")
    part = loaded.sheet.part(address)
    cap = limits.MAX_DERIVATION_CHARS if part.kind == "derivation" else limits.MAX_ANSWER_CHARS
    if len(text) > cap:
        return JSONResponse({"lines": [], "error": f"longer than {cap} characters"}, status_code=413)
    if _limited(state, request, student, "preview", state.settings.previews_per_minute):
        return JSONResponse({"lines": [], "error": "typing faster than the preview: it resumes in a moment"},
                            status_code=429)
    done: Done = await anyio.to_thread.run_sync(functools.partial(
        state.workers.run, work.preview, loaded.path, student.seed, address, text, deadline=work.PREVIEW_SECONDS + 2,
        urgent=False, owner=_owner(state, request, student)), limiter=state.threads)
    state.store.spend(_key(_owner(state, request, student)), done.seconds)
    if done.failure is not None:
        return JSONResponse({"lines": [], "error": "could not preview this; Submit grades it"})
    return JSONResponse({"lines": done.value})

