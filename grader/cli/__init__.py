"""The `grader` command. This package is the only place that prints or exits; the library does
the work. One module per family of commands keeps each small. Heavy imports (sympy) happen inside
commands so `grader --help` stays fast."""

from __future__ import annotations

import os
import sys

# Importing the command modules registers their commands on `app`.
from grader.cli import batch, check, db, gradescope, lti, practice, serve, template, verify  # noqa: F401
from grader.cli.app import app

__all__ = ["app", "main"]

# What `grader --help` lists for each command: whole, in one line (click cuts a docstring's first
# sentence at the terminal's width with "..."). The command's own docstring is its full --help.
SHORT_HELP = {
    "grade": "Grade a class's files into grades.csv, LMS files and feedback.",
    "check": "Grade one answer to one part and say why.",
    "equiv": "Are two expressions equal? (the grading engine)",
    "gradescope": "Write a Gradescope autograder zip for a sheet.",
    "practice": "Practise a sheet in the terminal.",
    "list": "List sheets and their parts, with addresses and points.",
    "show": "Print a question or some of its parts.",
    "serve": "Practise in the browser, or run a class server.",
    "template": "Write a submission skeleton for students to fill in.",
    "verify": "Check exercise sheets and worked solutions.",
    "schema": "Print the JSON Schema of sheets or solutions.",
}
for _command in app.registered_commands:
    _name = _command.name or (_command.callback.__name__ if _command.callback else "")
    if not _command.hidden:
        _command.short_help = SHORT_HELP.get(_name, _command.short_help)  # tests/cli/test_top_help.py: all listed


# Commands that only print: once their output is flushed, the process ends without the
# interpreter's teardown, which frees sympy's objects one by one (~0.3 s of a ~1 s `grader check`).
# Not `grade` or `practice`: they have worker processes and a terminal to put back first.
QUICK_EXIT = frozenset({"check", "equiv", "list", "show", "schema"})


def main() -> None:
    try:
        app()
    except SystemExit as done:
        if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT and (done.code is None or isinstance(done.code, int)):
            _exit_now(done.code or 0)
        raise


def _exit_now(code: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed or broken stream: let the normal exit deal with it
    os._exit(code)
