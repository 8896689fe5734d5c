"""The web app: Starlette routes for the practice pages. The only place here that talks HTTP.

Every POST carries the page's CSRF token and a session cookie (HttpOnly, SameSite=Strict); answers
are capped in size, grading is rate-limited per student and runs in worker processes with a hard
deadline (grader.serve.workers), and each graded answer is committed to SQLite before the reply.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from grader.core import limits
from grader.serve import pages, stats, work
from grader.serve.security import RateLimit, same
from grader.serve.store import Store, Student
from grader.serve.workers import Done, Workers

COOKIE = "grader_session"
MAX_BODY = 4 * limits.MAX_DERIVATION_CHARS  # bytes of a form: the longest answer, percent-encoded, and a token
KILL_GRACE = 2.0  # seconds past the grading budget before the worker is killed


@dataclass
class Settings:
    seconds: float = limits.DEFAULT_SECONDS  # per answer, as `grader grade`
    grades_per_minute: int = 30
    previews_per_minute: int = 300
    attempts: int = pages.ATTEMPTS
    kill_grace: float = KILL_GRACE
    class_mode: bool = False  # sign-in links only: no session for a visitor without one


@dataclass
class _State:
    sheets: dict[str, pages.Loaded]
    store: Store
    workers: Workers
    settings: Settings
    pairs: stats.Pairs = field(default_factory=stats.Pairs)  # the instructor page's confirmed pairs
    class_rows: list[stats.Row] = field(default_factory=list)  # every class attempt read so far, decoded
    class_seen: int = 0  # the last attempt id in class_rows: a refresh reads only what came after
    class_lock: threading.Lock = field(default_factory=threading.Lock)
    grade_limit: RateLimit = field(init=False)
    preview_limit: RateLimit = field(init=False)

    def __post_init__(self) -> None:
        self.grade_limit = RateLimit(self.settings.grades_per_minute, 60.0)
        self.preview_limit = RateLimit(self.settings.previews_per_minute, 60.0)


_env = Environment(loader=PackageLoader("grader.serve", "templates"), autoescape=select_autoescape(default=True))
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def paragraphs(text: str) -> list[Markup]:
    """Sheet prose as paragraphs: escaped first, then only **bold** and `code` become tags (maths
    stays text for KaTeX)."""
    shown = []
    for piece in str(text).split("\n\n"):
        if piece.strip():
            safe = str(escape(piece.strip()))
            safe = _CODE.sub(r"<code>\1</code>", _STRONG.sub(r"<strong>\1</strong>", safe))
            shown.append(Markup(safe))
    return shown


_env.filters["paragraphs"] = paragraphs
_env.filters["num"] = lambda x: f"{float(x):g}"


def create_app(sheets: dict[str, pages.Loaded], store: Store, workers: Workers,
               settings: Settings | None = None) -> Starlette:
    state = _State(sheets, store, workers, settings or Settings())
    static = StaticFiles(directory=str(Path(__file__).parent / "static"))
    routes = [
        Route("/", functools.partial(index, state)),
        Route("/sheets/{sheet}", functools.partial(sheet_page, state)),
        Route("/sheets/{sheet}/q/{question}", functools.partial(question_page, state)),
        Route("/sheets/{sheet}/parts/{part}/answer", functools.partial(answer, state), methods=["POST"]),
        Route("/sheets/{sheet}/parts/{part}/hint", functools.partial(reveal, state, "hint"), methods=["POST"]),
        Route("/sheets/{sheet}/parts/{part}/solution", functools.partial(reveal, state, "solution"),
              methods=["POST"]),
        Route("/preview", functools.partial(preview, state), methods=["POST"]),
        Route("/signin/{token}", functools.partial(signin, state)),
        Route("/instructor", functools.partial(instructor_page, state)),
        Route("/instructor/stats.json", functools.partial(instructor_stats, state)),
        Mount("/static", static, name="static"),
    ]
    return Starlette(routes=routes)


# --- sessions ---------------------------------------------------------------------------------------


def _student(state: _State, request: Request) -> Student | None:
    token = request.cookies.get(COOKIE)
    return state.store.student(token) if token else None


def _render(state: _State, request: Request, template: str, build: Any, status: int = 200) -> Response:
    student = _student(state, request)
    token = None
    if student is None and state.settings.class_mode:
        return _message(403, "Sign in first", "Open the sign-in link your instructor sent you.")
    if student is None:
        token, student = state.store.new_student()
    html = _env.get_template(template).render(student=student, **build(student))
    response = HTMLResponse(html, status_code=status)
    if token is not None:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/", max_age=400 * 86400)
    return response


def _message(status: int, title: str, text: str) -> Response:
    html = _env.get_template("message.html").render(title=title, text=text, student=None)
    return HTMLResponse(html, status_code=status)


async def _form(request: Request, cap: int = MAX_BODY) -> dict[str, str] | None:
    """The url-encoded form of a POST, read up to `cap` bytes (None beyond it: the caller says 413)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > cap):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            return None
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=8)
    except ValueError:  # too many fields: no form of ours; the CSRF check then refuses it
        return {}
    return {k: v[0] for k, v in fields.items()}


def _checked(state: _State, request: Request, given: str | None) -> Student | Response:
    student = _student(state, request)
    if student is None:
        return _message(403, "Session expired", "Open the page again to start a session, then send your answer.")
    if not given or not same(given, student.csrf):
        return _message(403, "Refused", "This request did not come from a page of this server (CSRF token).")
    return student


# --- class mode -------------------------------------------------------------------------------------


async def signin(state: _State, request: Request) -> Response:
    """A sign-in link sets the session cookie. The reply is a page, not a redirect: a SameSite=Strict
    cookie is not sent on a redirect that began in a mail client, but is on a link from this page."""
    token = request.path_params["token"]
    student = state.store.student(token) if state.settings.class_mode and len(token) < 100 else None
    if student is None or student.role == "practice":
        return _message(403, "Unknown link", "This sign-in link is not one of this class's; ask your instructor.")
    home = "/instructor" if student.role == "instructor" else "/"
    html = _env.get_template("signin.html").render(student=None, home=home)
    response = HTMLResponse(html, headers={"cache-control": "no-store", "referrer-policy": "no-referrer"})
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/", max_age=400 * 86400)
    return response


async def instructor_page(state: _State, request: Request) -> Response:
    student = _student(state, request)
    if student is None or student.role != "instructor":
        return _message(403, "Instructors only", "This page needs the instructor's sign-in link.")
    parts = await anyio.to_thread.run_sync(_class_summary, state)  # it waits for workers' confirms
    html = _env.get_template("instructor.html").render(student=student, parts=parts)
    return HTMLResponse(html, headers={"cache-control": "no-store"})


def _class_summary(state: _State) -> list[dict[str, Any]]:
    """The figures; blocks on worker processes (confirming groups), so never on the event loop."""
    with state.class_lock:  # attempts are only ever added: decode each once, not at every refresh
        for r in state.store.class_rows(state.class_seen):
            state.class_rows.append(stats.Row(r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]), r[9]))
            state.class_seen = r[0]
        rows = list(state.class_rows)
    found = {(p["sheet"], p["part"]): p for p in stats.summary(rows, state.pairs, functools.partial(_same, state))}
    shown = []  # every part of each sheet the class has answered, in sheet order; a part nobody tried shows 0
    for sheet_id, loaded in state.sheets.items():
        if any(sheet == sheet_id for sheet, _ in found):
            for address, part in loaded.sheet.parts.items():
                empty = {"sheet": sheet_id, "part": address, "attempted": 0, "correct": 0, "mean": 0.0, "wrong": []}
                shown.append(found.get((sheet_id, address), empty) | {"max": part.points})
    return shown


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
    summary = await anyio.to_thread.run_sync(_class_summary, state)
    return JSONResponse({"parts": summary}, headers={"cache-control": "no-store"})


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


def _back(loaded: pages.Loaded, address: str) -> Response:
    question = address.split(".", 1)[0]
    return RedirectResponse(f"/sheets/{loaded.sheet.id}/q/{question}#{address}", status_code=303)


async def _part_post(
    state: _State, request: Request, too_long: tuple[str, str]
) -> tuple[pages.Loaded, str, dict[str, str], Student] | Response:
    """A POST about one part: the part, its form and the signed-in student, or the page that says
    why not (no such part 404, a form past the cap 413 with `too_long`, session or CSRF 403)."""
    found = _part_of(state, request)
    if found is None:
        return _message(404, "No such part", "Go back to the sheet.")
    loaded, address = found
    form = await _form(request)
    if form is None:
        return _message(413, *too_long)
    student = _checked(state, request, form.get("csrf"))
    if isinstance(student, Response):
        return student
    return loaded, address, form, student


async def answer(state: _State, request: Request) -> Response:
    posted = await _part_post(state, request, (
        "Answer too long", f"An answer may have at most {limits.MAX_DERIVATION_CHARS} characters."))
    if isinstance(posted, Response):
        return posted
    loaded, address, form, student = posted
    text = form.get("answer", "").replace("\r\n", "\n")
    part = loaded.sheet.part(address)
    cap = limits.MAX_DERIVATION_CHARS if part.kind == "derivation" else limits.MAX_ANSWER_CHARS
    if len(text) > cap:
        return _message(413, "Answer too long", f"An answer to this part may have at most {cap} characters.")
    if not text.strip():
        return _back(loaded, address)
    if not state.grade_limit.allow(student.id):
        return _message(429, "Slow down", "Too many answers in a minute: wait a little, then send it again.")
    used = sum(a.counted for a in state.store.attempts(student, loaded.sheet.id) if a.part == address)
    ended = pages.ended_by_solution(loaded, student.seed, state.store.reveals(student, loaded.sheet.id))
    if used >= state.settings.attempts or address in ended:
        return _back(loaded, address)  # the part is over (no attempts left, or its solution was shown)
    seconds = state.settings.seconds
    done: Done = await anyio.to_thread.run_sync(functools.partial(
        state.workers.run, work.grade_answer, loaded.path, student.seed, address, text, seconds,
        deadline=seconds + state.settings.kill_grace))
    result = done.value if done.failure is None else _unchecked(part.address, part.points, seconds, done)
    from grader.sheets import variants  # which variant was answered, for the record

    question = variants.question_of(variants.pick(loaded.sheet, student.seed), address)
    variant = pages.variant_of(loaded.sheet, question, student.seed) if question else ""
    state.store.add_attempt(student, loaded.sheet.id, variant, text, result)  # committed before the reply
    return _back(loaded, address)


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
    loaded, address, _, student = posted
    part = loaded.sheet.part(address)
    shown = state.store.reveals(student, loaded.sheet.id).get(address)
    if what == "solution" or (shown.hints if shown else 0) < len(part.hints):
        state.store.reveal(student, loaded.sheet.id, address, hint=what == "hint", solution=what == "solution")
    return _back(loaded, address)


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
    if not state.preview_limit.allow(student.id):
        return JSONResponse({"lines": [], "error": "typing faster than the preview: it resumes in a moment"},
                            status_code=429)
    done: Done = await anyio.to_thread.run_sync(functools.partial(
        state.workers.run, work.preview, loaded.path, student.seed, address, text, deadline=work.PREVIEW_SECONDS + 2,
        urgent=False))
    if done.failure is not None:
        return JSONResponse({"lines": [], "error": "could not preview this; Submit grades it"})
    return JSONResponse({"lines": done.value}, headers={"cache-control": "no-store"})

