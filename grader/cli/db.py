"""`grader db`: an operator's commands for a class database (a SQLite file or a PostgreSQL URL). The
work is in `grader.serve.operate`; this only prints and sets the exit status."""

from __future__ import annotations

from typing import Annotated

import typer

from grader.cli.app import app, fail

db_app = typer.Typer(no_args_is_help=True, add_completion=False,
                     help="Check, upgrade or move a class database (grader serve --db).")
app.add_typer(db_app, name="db", short_help="Check, upgrade or move a class database.")

Where = Annotated[str, typer.Argument(metavar="PATH|URL", help="A SQLite file or postgresql://USER@HOST/DBNAME.")]


@db_app.command()
def check(where: Where) -> None:
    """Print a class database's schema version and rows per table.

    Print the schema version and the rows per table, without changing anything. Exit 0 when the
    schema is current, 1 when `grader db upgrade` is needed, 2 when the database cannot be read.

    \b
    Examples:
      grader db check class.sqlite
      grader db check postgresql://grader@dbhost/calculus
    """
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast
    from grader.serve import operate

    try:
        health = operate.check(where)
    except GraderError as err:
        fail(describe(err))
    state = "current" if health.current else f"older than this grader's {operate.LATEST}: run grader db upgrade"
    if health.missing:
        state = f"migration {', '.join(map(str, health.missing))} not applied: run grader db upgrade"
    typer.echo(f"{health.where}: schema version {health.version} ({state})")
    for table, count in health.counts.items():
        typer.echo(f"  {table}: {count}")
    raise typer.Exit(0 if health.current else 1)


@db_app.command()
def upgrade(where: Where) -> None:
    """Bring a class database's schema up to date.

    Apply the schema migrations this grader has and the database has not (each once, in order; two
    servers or commands at once take turns). `grader serve` does the same when it starts.

    \b
    Examples:
      grader db upgrade postgresql://grader@dbhost/calculus
    """
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast
    from grader.serve import operate

    try:
        before, after = operate.upgrade(where)
        shown = operate.check(where).where
    except GraderError as err:
        fail(describe(err))
    typer.echo(f"{shown}: schema version {after}" + (f" (was {before})" if before != after else " (already)"))


@db_app.command()
def copy(
    source: Annotated[str, typer.Argument(metavar="SQLITE_FILE", help="The class's SQLite file (server stopped).")],
    target: Annotated[str, typer.Argument(metavar="URL", help="An empty database: postgresql://USER@HOST/DBNAME.")],
) -> None:
    """Move a class from its SQLite file to PostgreSQL, verified.

    Every student, session, attempt, hint shown and score waiting for the LMS,
    with their ids, in one transaction; then each table is compared row by row and the class's answers
    to each sheet are read from both (the export `grader grade --db` makes). Stop the server first;
    the file is left as it was. Exit 2 when the target is not empty or a check fails.

    \b
    Examples:
      grader db copy class.sqlite postgresql://grader@dbhost/calculus
      grader serve --class roster.csv --db postgresql://grader@dbhost/calculus --links class.links.csv
    """
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast
    from grader.serve import operate

    try:
        copied = operate.copy(source, target)
    except GraderError as err:
        fail(describe(err))
    rows = ", ".join(f"{n} {table}" for table, n in copied.counts.items())
    checked = f"; the class's answers to {', '.join(copied.sheets)} read the same" if copied.sheets else ""
    typer.echo(f"copied {rows}: every row compared{checked}")
