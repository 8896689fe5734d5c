"""`grader verify`'s checks in worker processes: on two cores, the bundled bank's 159 checks take ~1.2 s
instead of ~1.9 s (benchmarks/README.md, "Engine speed").

The checks are closures over loaded sheets, so the workers are forked from this process (they inherit
them; nothing is pickled but the problems found) and take the checks one at a time by their index, so a
long worked solution does not hold up the rest. The results come back in the order of the checks,
whichever worker ran each: the report is the one a run in this process gives. A check that raised in a
worker is run again here, where it raises as it would have (all of them if a worker died). Where fork is
not available (Windows), or with one job, or for a handful of checks, everything runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from grader.verify.cache import moment
from grader.verify.problems import Item, Problem

FEWEST = 16  # below this many checks, starting workers costs more than it saves
MOST_JOBS = 4

_checks: list[Item] = []  # the checks of the run, for the forked workers to find by index

Done = tuple[list[Problem], bool]  # a check's problems, and whether a budget ran out or a fallback was taken


def default_jobs() -> int:
    """The CPUs this process may use, at most MOST_JOBS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MOST_JOBS))


def run_all(checks: list[Item], jobs: int) -> list[Done]:
    """Each check's problems, in order; in `jobs` worker processes when that is worth it."""
    global _checks
    jobs = min(jobs, len(checks))
    if jobs < 2 or len(checks) < FEWEST or "fork" not in multiprocessing.get_all_start_methods() \
            or multiprocessing.current_process().daemon:  # a daemon (a pool's worker) may not start processes
        return [_run(check) for check in checks]
    _checks = checks
    gc.freeze()  # the workers share the loaded sheets and sympy's objects with this process: keep them so
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            done: list[Done | None] = list(pool.map(_run_at, range(len(checks))))
    except BrokenProcessPool:  # a worker died (killed, out of memory): all again here, which says why
        done = [None] * len(checks)
    finally:
        gc.unfreeze()
        _checks = []
    return [d if d is not None else _run(check) for d, check in zip(done, checks, strict=True)]


def _run(check: Item) -> Done:
    before = moment()
    problems = check.run()
    return problems, moment() != before


def _run_at(index: int) -> Done | None:
    try:
        return _run(_checks[index])
    except Exception:  # said by running it again in the parent, as a run without workers would say it
        return None
