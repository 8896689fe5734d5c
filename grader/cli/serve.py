"""`grader serve`: practice in the browser. The server lives in `grader.serve`; this only starts it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli.app import SolutionsOption, app, fail

if TYPE_CHECKING:
    import socket

    from grader.serve import app as web
    from grader.serve import classroom, database, pages, store
    from grader.serve.lti import outbox, routes
    from grader.serve.lti.platforms import Platform
    from grader.serve.workers import Workers


@app.command()
def serve(
    sheets: Annotated[
        list[str] | None, typer.Argument(help="Sheets to serve (ids or paths). Default: the sheets of "
                                                   "the course folder here (an exercises/ here or above), else "
                                                   "the bundled ones.")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. 127.0.0.1: this computer only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8000,
    db: Annotated[
        str | None, typer.Option("--db", metavar="PATH|URL",
                                 help="Progress database: a SQLite file (default: in your data folder) or "
                                      "postgresql://USER@HOST/DBNAME (several servers, one class).")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", metavar="N", help="Worker processes that grade (per server; one "
                                      "more draws wrong answers' plots, at a lower CPU priority).")] = 2,
    servers: Annotated[
        int, typer.Option("--workers", metavar="N", min=1,
                          help="Server processes on this port (PostgreSQL only); each has its own --jobs.")
    ] = 1,
    roster: Annotated[
        Path | None, typer.Option("--class", metavar="ROSTER.csv",
                                  help="Class mode: one sign-in link per student (columns: student id, name).")
    ] = None,
    links: Annotated[
        Path | None,
        typer.Option("--links", metavar="PATH", help="Where class mode writes the links (default: beside --db)."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", "--public-url", metavar="BASE",
                     help="The address students open, e.g. http://192.168.1.20:8000; the links (and, with --lti, "
                          "the addresses the LMS is given) are built from it. Keep it (and --port) between runs."),
    ] = None,
    lti: Annotated[
        str | None,
        typer.Option("--lti", metavar="PLATFORMS.json",
                     help="Inside an LMS (LTI 1.3: Canvas, Moodle, …): the platforms to trust; students come "
                          "from the LMS. Needs grader[lti]. PLATFORMS.json is {\"platforms\": [{…}, …]}, one "
                          "object per LMS registration with: issuer (the LMS's issuer, exactly as it sends it: "
                          "Canvas https://canvas.instructure.com, Moodle its address), client_id (Canvas: the "
                          "developer key's id; Moodle: the tool's Client ID), deployment_ids (a list: Canvas: "
                          "the app's Deployment Id; Moodle: the Deployment ID), auth_login_url, auth_token_url, "
                          "key_set_url (Moodle's Authentication request URL, Access token URL, Public keyset "
                          "URL; Canvas's authorize_redirect, token and jwks URLs), all https. The values to "
                          "give the LMS: this server's /lti/config page."),
    ] = None,
    session_days: Annotated[
        float, typer.Option("--session-days", metavar="DAYS", min=0.01,
                            help="A browser stays signed in this long unused (then: the sign-in link again). "
                            "Not for an LMS launch (--lti): its session ends when the browser closes, or 8 "
                            "hours after the launch (then: open the activity from the LMS again).")
    ] = 30.0,
    solutions_path: SolutionsOption = None,
    prepare: Annotated[
        bool | None, typer.Option("--prepare/--no-prepare",
                                  help="Before opening, prepare every part of every sheet (each variant) in the "
                                       "grading workers, so that a class arriving at once is graded at full speed "
                                       "(seconds to start: at most 30 of preparing). Default: in class mode "
                                       "(--class, --lti).")
    ] = None,
) -> None:
    """Practise in the browser: the sheets' questions typeset, a live preview of how your answer is
    read, verdicts and feedback, hints and worked solutions. Progress is kept in SQLite (or, for several
    servers on one class, PostgreSQL: docs/deploy.md), so coming back with the same browser resumes.
    Works offline (KaTeX ships inside the package).

    \b
    Examples:
      grader serve                              (then open http://127.0.0.1:8000/)
      grader serve piecewise-activations --port 8080
      grader serve --db ~/practice.sqlite
      grader serve --class roster.csv --db class.sqlite   (links in class.links.csv)
      grader serve --class roster.csv --db class.sqlite --host 0.0.0.0 --url http://192.168.1.20:8000
      grader serve --class roster.csv --db class.sqlite --session-days 1   (lab computers: signed out daily)
      grader serve exercises/hw3.yaml --solutions worked/                 (solutions kept elsewhere)
      grader serve --class roster.csv --db postgresql://grader@dbhost/calculus --workers 4   (docs/deploy.md)
      grader serve --lti platforms.json --db class.sqlite --public-url https://grader.example.edu   (docs/lti.md)
    """
    import sys

    sys.setswitchinterval(0.0005)  # the event loop and the threads waiting on workers share one GIL: hand over sooner
    if prepare is None:
        prepare = roster is not None or lti is not None
    _serve(sheets, host, port, db, roster, links, url, session_days, solutions_path, (servers, jobs), lti, prepare)


def _serve(sheets: list[str] | None, host: str, port: int, db: str | None, roster: Path | None,
           links: Path | None, url: str | None, session_days: float, solutions_path: str | None = None,
           servers: tuple[int, int] = (1, 2), lti: str | None = None, prepare: bool = False) -> None:
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast
    from grader.serve import classroom, database, pages, store

    try:
        where = database.location(db) if db is not None else database.Location("sqlite", store.default_path())
        url = classroom.check_url(url, "--public-url" if lti is not None else "--url") if url is not None else None
        loaded = pages.load_sheets(list(sheets or []), solutions_path)
        members = classroom.read_roster(roster) if roster is not None else []
        platforms = _platforms(lti) if lti is not None else None
    except GraderError as err:
        fail(describe(err))
    if servers[0] > 1 and where.kind != "postgresql":
        fail(f"--workers {servers[0]} needs a PostgreSQL class (--db postgresql://USER@HOST/DBNAME): on a SQLite "
             "file one server process serves (docs/deploy.md)")
    for sheet_id, one in loaded.items():
        missing = [a for a in one.sheet.parts if one.solutions is None or one.solutions.for_part(a) is None]
        if missing:
            which = "any part" if len(missing) == len(one.sheet.parts) else ", ".join(missing)
            typer.echo(f"grader: warning: no worked solution for {which} of `{sheet_id}`: students see the expected "
                       "answer only (give the solutions file with --solutions PATH)", err=True)
    listener = _listen(host, port)  # before the database is opened: a port in use leaves nothing behind
    path = where.path
    if (roster is not None or lti is not None) and where.kind == "sqlite":
        _create_private(path)
    try:
        opened = store.Store(where)
    except database.Unavailable as err:
        fail(f"cannot reach the database {where.shown}: {err}. Start PostgreSQL (or correct the URL: "
             "postgresql://USER@HOST/DBNAME), then run grader serve again")
    except Exception as err:  # an unwritable folder or a file that is not a database: say so, no traceback
        fail(f"cannot open the database {where.shown}: {err}")
    tool = None
    if platforms is not None:
        from grader.serve.lti import keys, routes  # lazy: the LTI extra loads only with --lti

        tool = routes.Tool(platforms, keys.load(opened), public_url=url)
    try:
        if (roster is not None or tool is not None) and where.kind == "sqlite":
            _make_private(path)
        _run(listener, loaded, opened, host, roster, members, links, url, session_days, servers, tool, prepare)
    finally:
        listener.close()
        opened.close()


def tcp_listener(host: str) -> socket.socket:
    """The server's listening socket, named TCP (not protocol 0): asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on connections whose socket says IPPROTO_TCP, and with it on, every reply on a
    kept-alive connection written in two parts (uvicorn: headers, then body) waited for the browser's
    delayed ACK: 40 ms a page on Linux, up to 200 ms on Windows (benchmarks/README.md)."""
    import socket

    return socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)


def _listen(host: str, port: int) -> socket.socket:
    import socket

    listener = tcp_listener(host)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)  # before the URL is printed: a browser opened at once waits in the backlog
    except OSError as err:
        listener.close()
        fail(f"cannot listen on {host}:{port}: {err.strerror}; choose another --port")
    return listener


PREPARED = ("grader.serve.prepared",)  # the forkserver's preload: it imports grader.serve.work and prepares the parts


def _plan_workers(loaded: dict[str, pages.Loaded], servers: tuple[int, int], prepare: bool) -> None:
    """Have the grading workers' forkserver (grader.serve.prepared) load the sheets as they are now, so
    that every worker, and every replacement, grades the sheets the pages show, even after a file is
    edited or removed (it was read at each worker's first answer); and, with `prepare`, prepare their
    parts (said here)."""
    import os

    from grader.serve import prepared, work

    seconds = work.PREPARE_SECONDS if prepare else 0.0
    os.environ[prepared.PLAN] = prepared.plan([one.path for one in loaded.values()], seconds)
    if prepare:
        count = len(work.preparations([(one.path, one.sheet) for one in loaded.values()]))
        parts = sum(len(one.sheet.parts) for one in loaded.values())
        each = ", in each server process before it answers" if servers[0] > 1 else ""
        typer.echo(f"grader serve: preparing the {parts} part{'' if parts == 1 else 's'} for grading, each variant: "
                   f"{count} in all{each} (at most {seconds:g} s; --no-prepare opens at once)…", err=True)


def _workers(loaded: dict[str, pages.Loaded], servers: tuple[int, int], prepare: bool) -> Workers:
    """This server's grading workers (`_plan_workers`); with `prepare`, the time preparing took is said."""
    import time

    from grader.serve import work, workers

    began = time.monotonic()
    try:
        pool = workers.Workers(jobs=servers[1], preload=PREPARED)  # returns once the forkserver is ready
    except (EOFError, OSError) as err:  # the forkserver was stopped on its own (kill), not with the server
        fail(f"the grading workers stopped before they started ({type(err).__name__}): start grader serve again")
    took = time.monotonic() - began
    if prepare:
        rest = ("; the time allowed ran out, the parts not prepared yet are prepared by their first answer"
                if took >= work.PREPARE_SECONDS else "")
        typer.echo(f"grader serve: prepared in {took:.1f} s{rest}", err=True)
    return pool


def _platforms(given: str) -> tuple[Platform, ...]:
    """PLATFORMS.json read, or the words of what to fix; the LTI extra must be installed."""
    try:
        import joserfc  # noqa: F401 - only to say at once that the extra is missing

        from grader.serve.lti import platforms  # lazy: the LTI extra loads only with --lti
    except ImportError:
        fail("--lti needs the LTI extra: pip install 'grader[lti]'")
    return platforms.read(Path(given))


def _create_private(path: Path) -> None:
    """A new class database is created readable by its owner only: it holds every student's answers."""
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # an empty file is an empty database
    except OSError:
        pass  # it exists (made private below), or the Store says what is wrong with the folder


def _make_private(path: Path) -> None:
    """An existing class database (and SQLite's -wal and -shm beside it) becomes owner-only too."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.exists():
                file.chmod(0o600)
        except OSError as err:
            fail(f"cannot make the class database {file} private (chmod 600): {err.strerror}")


def _base(host: str, shown: str, bound: int, url: str | None) -> tuple[str, str]:
    """Where students open the server, and a note when it is a guess."""
    import socket

    if url is not None:
        return url, ""
    if host in ("0.0.0.0", "::", ""):  # a wildcard is no address a browser can open: this machine's name is
        name = socket.gethostname() or "localhost"
        return f"http://{name}:{bound}", (f" (built from this machine's name {name}: if students cannot open it, "
                                          f"restart with --url http://ADDRESS:{bound})")
    return f"http://{shown}:{bound}", ""


def _moved(old: str, new: str, links: Path) -> str:
    """The warning when the links already sent open another address than this run's."""
    import urllib.parse

    before, now = urllib.parse.urlsplit(old), urllib.parse.urlsplit(new)

    def port(parts: urllib.parse.SplitResult) -> int:
        return parts.port or (443 if parts.scheme == "https" else 80)

    keep = [f"`--port {port(before)}`"] if port(before) != port(now) else []
    if (before.scheme, before.hostname) != (now.scheme, now.hostname):
        keep.append(f"`--url {old}`")
    return (f"warning: the links already sent point to {old}, but this run's point to {new} ({links} now holds "
            f"the new ones): the old links no longer reach this server. To keep them working, stop it and restart "
            f"with {' and '.join(keep) or '--url ' + old}; otherwise send every student their new link.")


def _run(listener: socket.socket, loaded: dict[str, pages.Loaded], database: store.Store,
         host: str, roster: Path | None, members: list[classroom.Member], links: Path | None,
         url: str | None, session_days: float, servers: tuple[int, int], tool: routes.Tool | None = None,
         prepare: bool = False) -> None:
    _plan_workers(loaded, servers, prepare)  # after the port is ours: a port in use is said before any waiting
    pool = _workers(loaded, servers, prepare) if servers[0] == 1 else None  # with --workers, each server's own
    try:
        _open(listener, loaded, database, pool, host, url=url, roster=roster, members=members,
              links=links, session_days=session_days, servers=servers, tool=tool)
    finally:
        if pool is not None:
            pool.close()


def _open(listener: socket.socket, loaded: dict[str, pages.Loaded], database: store.Store, pool: Workers | None,
          host: str, *, url: str | None, roster: Path | None, members: list[classroom.Member],
          links: Path | None, session_days: float, servers: tuple[int, int], tool: routes.Tool | None) -> None:
    """Say where the server is and serve: in this process with `pool`, else in `--workers N` processes."""
    import uvicorn  # lazy: keeps `grader --help` fast (the server and sympy load only here)

    from grader.serve import app as web
    from grader.serve import classroom

    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    base, note = _base(host, shown, bound, url)
    moved = anew = ""
    if roster is not None:
        kept = database.where
        links = links or (kept.path.with_suffix(".links.csv") if kept.kind == "sqlite" else
                          Path(f"{kept.name}.links.csv"))
        old = classroom.links_base(links)
        try:
            anew = _replaced(classroom.enrol(database, members, links, base), links)
        except OSError as err:
            fail(f"cannot write the links {links}: {err}")
        moved = _moved(old, base, links) if old is not None and old != base else ""
    if not database.shared:
        database.clear_claims()  # answers a killed server was grading: never stored, so their parts reopen
    settings = web.Settings(class_mode=roster is not None or tool is not None, session_days=session_days, lti=tool)
    where = "this computer only" if host in ("127.0.0.1", "localhost", "::1") else "other computers can connect"

    def announce() -> None:
        """Where the server is and what it serves: said once it answers (every server process prepared)."""
        typer.echo(f"grader serve: {base}/  (listening on {shown}:{bound}: {where}; Ctrl-C stops)")
        if roster is not None:
            count = f"{len(members)} student{'' if len(members) == 1 else 's'}"
            typer.echo(f"class mode: {count}; sign-in links (and the instructor's) in {links}{note}")
        if moved:
            typer.echo(f"grader: {moved}", err=True)
        if anew:
            typer.echo(f"grader: warning: {anew}", err=True)
        typer.echo(f"progress: {database.where.shown}   sheets: {', '.join(loaded)}", err=True)
        if tool is not None:
            typer.echo(f"LTI: {len(tool.platforms)} platform registration(s); the LMS's settings at "
                       f"{base}/lti/config", err=True)
            if not base.startswith("https://"):
                typer.echo("grader: warning: LMSs launch tools over https only, and an LMS page frames the tool "
                           "only from https (its cookies are Secure): put the server behind HTTPS and give "
                           "--public-url https://…", err=True)

    if pool is not None:
        announce()
        drawing = web.plot_workers()
        try:
            config = uvicorn.Config(web.create_app(loaded, database, pool, settings, _sender(database, settings),
                                                   drawing), log_level="warning")
            web.settle()
            uvicorn.Server(config).run(sockets=[listener])
        finally:
            drawing.close()
        return
    kept = database.where
    database.close()  # each server process opens its own connection
    each = f"{servers[1]} grading worker{'' if servers[1] == 1 else 's'} each"
    typer.echo(f"grader serve: starting {servers[0]} server processes on port {bound}, {each}…", err=True)
    _prefork(servers[0], lambda ready: _one_server(listener, loaded, kept, servers[1], settings, ready), announce)


def _replaced(ids: list[str], links: Path) -> str:
    """The words for links made anew in place of links members had (`classroom.enrol`), or ""."""
    from grader.serve import classroom

    if not ids:
        return ""
    students = [i for i in ids if i != classroom.INSTRUCTOR]
    who = f"{len(students)} students" if len(students) > 3 else ", ".join(students)
    if classroom.INSTRUCTOR in ids:
        who = f"{who} and the instructor" if who else "the instructor"
    return (f"new sign-in links for {who}: {links} did not hold the links made before, which "
            f"sign nobody in any more. Send the new ones from {links}; to keep links already sent, start "
            "grader serve with --links naming the file written then")


def _sender(database: store.Store, settings: web.Settings) -> outbox.Sender | None:
    """With --lti: this server process's sender of grades to the LMSs (serve/lti/outbox.py), signing its
    token requests with the tool's key."""
    if settings.lti is None:
        return None
    from grader.serve.lti import outbox  # lazy: the LTI extra loads only with --lti

    return outbox.Sender(database, settings.lti.key.sign)


def _one_server(listener: socket.socket, loaded: dict[str, pages.Loaded], where: database.Location, jobs: int,
                settings: web.Settings, ready: Callable[[], None]) -> None:
    """One of `--workers N` server processes: its own grading workers (forked from a forkserver that
    loaded the sheets and, with --prepare, prepared their parts: `_plan_workers`) and database connection,
    accepting on the socket they all share; `ready` is called once it is about to answer."""
    import uvicorn

    from grader.serve import app as web
    from grader.serve import store, workers

    pool = workers.Workers(jobs=jobs, preload=PREPARED)  # the forkserver loads (and prepares) the sheets: _plan_workers
    drawing = web.plot_workers()
    try:
        opened = store.Store(where)
        config = uvicorn.Config(web.create_app(loaded, opened, pool, settings, _sender(opened, settings), drawing),
                                log_level="warning")
        web.settle()
        ready()
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        pool.close()
        drawing.close()


def _orphaned_ends(alive: int) -> None:
    """In a `--workers` server process: stop (SIGTERM, as the parent would) once the parent is gone, killed
    -9 included, when `alive`, the read end of a pipe only the parent can write to, reads end of file.
    Orphans kept serving on the port, and the server started again said the port was in use."""
    import os
    import signal
    import threading

    def watch() -> None:
        while os.read(alive, 1):
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _prefork(count: int, child: Callable[[Callable[[], None]], None], ready: Callable[[], None]) -> None:
    """Start `count` processes running `child` (forked: they share the listening socket) and keep that
    many running: one that dies unasked (killed, crashed) is replaced. `ready` is called once each of the
    first `count` has said it answers (the `child`'s argument): before, the URL was printed while they
    still prepared, and the students' first pages waited up to the preparing's 30 s. Ctrl-C or SIGTERM
    stops them all."""
    import os
    import select
    import signal
    import time

    running: dict[int, float] = {}
    stopping = False
    quick_deaths = 0
    said, tell = os.pipe()  # each child writes a byte to `tell` once it answers
    listening = True  # the parent reads `said` until the first `count` have answered, then closes it
    alive, life = os.pipe()  # `life` stays open in the parent alone: a child reads end of file once it is gone

    def answering() -> None:
        with contextlib.suppress(OSError):  # a replacement's word, after the parent stopped listening
            os.write(tell, b".")

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                if listening:
                    os.close(said)
                os.close(life)
                _orphaned_ends(alive)
                child(answering)
            except BaseException as err:  # a server process must end here, never return to the parent's code
                typer.echo(f"grader: server process {os.getpid()} stopped: {err}", err=True)
                code = 1
            finally:
                os._exit(code)
        running[pid] = time.monotonic()

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def ended(pid: int, status: int) -> None:
        nonlocal quick_deaths
        began = running.pop(pid, None)
        if began is None or stopping:
            return
        quick_deaths = quick_deaths + 1 if time.monotonic() - began < 5 else 0
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        if quick_deaths >= 3:
            stop(signal.SIGTERM, None)
            fail(f"server processes keep stopping at start ({how}): see the messages above")
        typer.echo(f"grader: server process {pid} ended ({how}); starting another", err=True)
        spawn()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    began = time.monotonic()
    for _ in range(count):
        spawn()
    waiting = count
    while waiting > 0 and not stopping:
        if select.select([said], [], [], 0.2)[0]:
            waiting -= len(os.read(said, waiting))
        with contextlib.suppress(ChildProcessError):
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid:
                ended(pid, status)
    listening = False
    os.close(said)
    if not stopping:
        typer.echo(f"grader serve: {count} server processes ready in {time.monotonic() - began:.1f} s", err=True)
        ready()
    while running:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        ended(pid, status)
