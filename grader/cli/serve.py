"""`grader serve`: practice in the browser. The server lives in `grader.serve`; this only starts it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli.app import app, fail

if TYPE_CHECKING:
    from grader.serve.workers import Workers


@app.command()
def serve(
    sheets: Annotated[
        list[str] | None, typer.Argument(help="Sheets to serve (ids or paths). Default: the bundled ones.")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. 127.0.0.1: this computer only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8000,
    db: Annotated[
        Path | None, typer.Option("--db", metavar="PATH", help="Progress database (default: in your data folder).")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", metavar="N", help="Worker processes that grade.")] = 2,
    roster: Annotated[
        Path | None, typer.Option("--class", metavar="ROSTER.csv",
                                  help="Class mode: one sign-in link per student (columns: student id, name).")
    ] = None,
    links: Annotated[
        Path | None,
        typer.Option("--links", metavar="PATH", help="Where class mode writes the links (default: beside --db)."),
    ] = None,
) -> None:
    """Practise in the browser: the sheets' questions typeset, a live preview of how your answer is
    read, verdicts and feedback, hints and worked solutions. Progress is kept in SQLite, so coming back
    with the same browser resumes. Works offline (KaTeX ships inside the package).

    \b
    Examples:
      grader serve                              (then open http://127.0.0.1:8000/)
      grader serve piecewise-activations --port 8080
      grader serve --db ~/practice.sqlite
      grader serve --class roster.csv --db class.sqlite   (links in class.links.csv)
    """
    import sys

    from grader.serve import workers  # lazy: keeps `grader --help` fast (the server and sympy load only here)

    sys.setswitchinterval(0.0005)  # the event loop and the threads waiting on workers share one GIL: hand over sooner
    pool = workers.Workers(jobs=jobs)  # first: their forkserver starts while the sheets load
    try:
        _serve(pool, sheets, host, port, db, roster, links)
    finally:
        pool.close()


def _serve(pool: Workers, sheets: list[str] | None, host: str, port: int, db: Path | None, roster: Path | None,
           links: Path | None) -> None:
    import socket

    import uvicorn  # lazy: keeps `grader --help` fast (the server and sympy load only here)

    from grader.core.errors import GraderError, describe
    from grader.serve import app as web
    from grader.serve import classroom, pages, store

    try:
        loaded = pages.load_sheets(list(sheets or []))
        members = classroom.read_roster(roster) if roster is not None else []
    except GraderError as err:
        fail(describe(err))
    path = db or store.default_path()
    try:
        database = store.Store(path)
    except Exception as err:  # an unwritable folder or a file that is not a database: say so, no traceback
        fail(f"cannot open the database {path}: {err}")
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)  # before the URL is printed: a browser opened at once waits in the backlog
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror}; choose another --port")
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if roster is not None:
        links = links or path.with_suffix(".links.csv")
        try:
            classroom.enrol(database, members, links, f"http://{shown}:{bound}")
        except OSError as err:
            fail(f"cannot write the links {links}: {err}")
    where = "this computer only" if host in ("127.0.0.1", "localhost", "::1") else "other computers can connect"
    typer.echo(f"grader serve: http://{shown}:{bound}/  (listening on {host}: {where}; Ctrl-C stops)")
    if roster is not None:
        typer.echo(f"class mode: {len(members)} students; sign-in links (and the instructor's) in {links}")
    typer.echo(f"progress: {path}   sheets: {', '.join(loaded)}", err=True)
    try:
        settings = web.Settings(class_mode=roster is not None)
        config = uvicorn.Config(web.create_app(loaded, database, pool, settings), log_level="warning")
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        database.close()
