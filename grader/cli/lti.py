"""`grader lti`: LTI 1.3 commands for a class served inside an LMS (`grader serve --lti`). The work is in
`grader.serve.lti`; this only prints and sets the exit status."""

from __future__ import annotations

from typing import Annotated

import typer

from grader.cli.app import app, fail

lti_app = typer.Typer(no_args_is_help=True, add_completion=False,
                      help="LTI 1.3 (grader serve --lti): scores sent to the LMS.")
app.add_typer(lti_app, name="lti", short_help="LTI 1.3: send scores to the LMS again.")


@lti_app.command()
def resend(
    db: Annotated[
        str | None, typer.Option("--db", metavar="PATH|URL",
                                 help="The class database `grader serve --lti` uses (default: the one in your "
                                      "data folder).")
    ] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Also send again the scores the LMS refused.")] = False,
    show: Annotated[bool, typer.Option("--list", help="Only list the scores not sent yet and those refused; "
                                                      "change nothing.")] = False,
) -> None:
    """Send again the scores waiting for the LMS, and with --failed those it refused.

    Every graded answer of a student who came from the LMS queues their score for the sheet as it
    stands; the server sends it to the LMS gradebook at once, and when the LMS is down or busy tries
    again by itself, each time a little later (up to every 10 minutes). This command makes every
    waiting score due now. A score the LMS refused (a student no longer in the course, a deleted
    gradebook column: its words are on the instructor page and in --list) is sent again only with
    --failed, once the cause is fixed. Only each student's newest score is ever sent.

    The running `grader serve --lti` (any of them, on PostgreSQL) sends them within seconds; if none
    runs, the next one to start does. Exit 0; 1 when some scores were refused and not sent again.

    \b
    Examples:
      grader lti resend --list --db class.sqlite
      grader lti resend --failed --db postgresql://grader@dbhost/calculus
    """
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast
    from grader.serve import database, store
    from grader.serve.lti import outbox

    try:
        where = database.location(db) if db is not None else database.Location("sqlite", store.default_path())
        if where.kind == "sqlite" and not where.path.is_file():
            fail(f"no such database: `{where.shown}`: give the file `grader serve --db` used")
        opened = store.Store(where)
    except GraderError as err:
        fail(describe(err))
    except database.Unavailable as err:
        fail(f"cannot reach the database {where.shown}: {err}")
    try:
        before = outbox.overview(opened)
        for entry in before.failed + before.waiting:
            state = "refused" if entry.state == "failed" else "waiting"
            words = f"  {entry.error}" if entry.error else ""
            typer.echo(f"{state}  {entry.user_id}  {entry.score_given:g}/{entry.score_maximum:g}  "
                       f"{entry.target.lineitem_url}  tries {entry.tries}{words}")
        if show:
            typer.echo(f"{before.sent} sent, {len(before.waiting)} waiting, {len(before.failed)} refused")
            raise typer.Exit(1 if before.failed else 0)
        done = outbox.resend(opened, failed=failed)
        after = outbox.overview(opened)
    except database.Unavailable as err:
        fail(f"cannot reach the database {where.shown}: {err}")
    finally:
        opened.close()
    said = [f"{done.pending} waiting score(s) due now"]
    if failed:
        said.append(f"{done.failed} refused score(s) queued again")
        if done.superseded:
            said.append(f"{done.superseded} refused score(s) dropped: a newer score of that student replaced them")
    elif after.failed:
        said.append(f"{len(after.failed)} refused score(s) left as they are (add --failed to send them again)")
    typer.echo("; ".join(said) + ". A running grader serve --lti sends them within seconds (or the next to start).")
    raise typer.Exit(1 if after.failed else 0)
