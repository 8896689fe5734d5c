"""The `grader` command. This package is the only place that prints or exits; the library does
the work. One module per family of commands keeps each small. Heavy imports (sympy) happen inside
commands so `grader --help` stays fast."""

from __future__ import annotations

import os
import sys

# Importing the command modules registers their commands on `app`.
from grader.cli import batch, check, gradescope, practice, serve, template, verify  # noqa: F401
from grader.cli.app import app

__all__ = ["app", "main"]


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
