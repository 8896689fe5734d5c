"""Imported by the grading workers' forkserver (multiprocessing's preload; `grader serve` in class
mode names it): loads the sheets served and prepares their parts (`work.prepare_parts`) before the
first worker is forked, so that every worker, and every replacement of a worker killed by a hostile
answer, starts with them prepared. Without it each worker paid, at its first answer to each part and
variant, tens of milliseconds to load and prepare, and a class arriving at once waited for it: at
300 students the first seconds' grade p99 was 200–340 ms (benchmarks/README.md).

The server says what to prepare in the environment variable `work.PLAN` (`work.plan`: the sheets'
paths and the seconds it may take), which the forkserver inherits: a preload is imported by name, with
no arguments. Nothing else imports this module.
"""

from __future__ import annotations

import gc
import json
import os

from grader.serve import work


def _prepare() -> None:
    try:
        wanted = json.loads(os.environ.get(work.PLAN) or "null")
        if wanted:
            work.prepare_parts([str(p) for p in wanted["sheets"]], float(wanted["seconds"]))
    except Exception:  # never stop the forkserver: workers without the parts prepared still grade
        return
    gc.freeze()  # what was prepared is shared with every worker: their cyclic GC never scans it nor copies its pages


_prepare()
