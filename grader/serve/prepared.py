"""Imported by the grading workers' forkserver (multiprocessing's preload; `grader serve` names it):
loads the sheets served and, in class mode, prepares their parts (`work.prepare_parts`) before the
first worker is forked. So every worker, and every replacement of one killed by a hostile answer,
grades the sheets as the server loaded them (each worker read the file at its first answer: after an
edit, workers graded different versions, and a removed file was "could not be checked") and starts
with the parts prepared (each worker paid tens of milliseconds at its first answer to each part and
variant, and a class arriving at once waited for it: at 300 students the first seconds' grade p99 was
200–340 ms; benchmarks/README.md).

The server says what to do in the environment variable PLAN (`plan`: the sheets' paths and the
seconds preparing may take, 0 for none), which the forkserver inherits: a preload is imported by name,
with no arguments.
"""

from __future__ import annotations

import gc
import json
import os
import signal

PLAN = "GRADER_SERVE_PREPARE"  # the environment variable the server sets (`plan`) for the forkserver it starts


def plan(paths: list[str], seconds: float) -> str:
    """The value of PLAN that has the forkserver prepare these sheets (`work.prepare_parts`) in `seconds`."""
    return json.dumps({"sheets": paths, "seconds": seconds})


def _leave(signum: int, frame: object) -> None:
    os._exit(130)


def _prepare() -> None:
    from grader.serve import work

    try:
        wanted = json.loads(os.environ.get(PLAN) or "null")
        if wanted:
            server = os.getppid()  # killed on its own (SIGTERM to it alone), it leaves us preparing for nobody
            work.prepare_parts([str(p) for p in wanted["sheets"]], float(wanted["seconds"]),
                               lambda: os.getppid() == server)
    except Exception:  # never stop the forkserver: workers without the parts prepared still grade
        return
    gc.freeze()  # what was prepared is shared with every worker: their cyclic GC never scans it nor copies its pages


if os.environ.get(PLAN):  # the forkserver of a class server; imported anywhere else (a test), nothing happens
    # Ctrl-C reaches the whole process group: the server is stopping, and so are we, quietly. A forkserver
    # ignores SIGINT only once it serves; while it imported and prepared, it printed a KeyboardInterrupt
    # traceback. So this is set first, before the grader (and sympy) are imported.
    signal.signal(signal.SIGINT, _leave)
    _prepare()
