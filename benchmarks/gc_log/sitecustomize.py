"""Logs every full (generation 2) collection of the cyclic GC, in every Python process started with this
folder on PYTHONPATH, to the file named by GRADER_GC_LOG: when, which process, how long, how many objects
it scanned. How the class server's event-loop pauses were found (benchmarks/README.md):

    GRADER_GC_LOG=/tmp/gc.log PYTHONPATH=benchmarks/gc_log python benchmarks/serve_load.py --seconds 20 --kill-at 0
"""

from __future__ import annotations

import gc
import os
import time

_LOG = os.environ.get("GRADER_GC_LOG", "")
_began: list[float] = [0.0]


def _timed(phase: str, info: dict[str, int]) -> None:
    if info["generation"] != 2:
        return
    if phase == "start":
        _began[0] = time.perf_counter()
        return
    took = time.perf_counter() - _began[0]
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{time.time():.3f} pid {os.getpid()} full collection {took * 1000:.1f} ms, "
                  f"{len(gc.get_objects(2))} objects left in it, {gc.get_freeze_count()} frozen\n")


if _LOG:
    gc.callbacks.append(_timed)
