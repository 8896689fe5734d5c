"""`grader verify`'s checks in worker processes: on two cores, the bundled bank's 159 checks take ~1.2 s
instead of ~1.9 s (benchmarks/README.md, "Engine speed").

The checks are closures over loaded sheets, so the workers are forked from this process (they inherit
them; nothing is pickled but the problems found, sent back down a pipe). Worker k of N takes every N-th
check from the k-th: the checks are many, short and alike (the longest 0.08 s of the bank's 2.2 s), and the
variants of one solution, which come in a row, are spread. The results are put back in the order of the
checks: the report is the one a run in this process gives. A check that raised in a worker is run again
here, where it raises as it would have; all of a worker's checks if it died. Ctrl-C stops the workers
(they ignore it; this process kills them). Without fork (Windows), with one job, or for a handful of
checks, everything runs in this process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal

from grader.verify.cache import moment
from grader.verify.problems import Item, Problem

FEWEST = 16  # below this many checks, starting workers costs more than it saves
MOST_JOBS = 4

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
    jobs = min(jobs, len(checks))
    if jobs < 2 or len(checks) < FEWEST or not hasattr(os, "fork"):
        return [_run(check) for check in checks]
    gc.freeze()  # the workers share the loaded sheets and sympy's objects with this process: keep them so
    workers: list[tuple[int, int]] = []  # (process id, read end of its pipe)
    try:
        for k in range(jobs):
            workers.append(_start(checks[k::jobs]))
        shares = [_results(read) for _, read in workers]
    finally:
        for pid, read in workers:  # all done by now, but after Ctrl-C or an error here: stop them
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            os.close(read)
        gc.unfreeze()
    done: list[Done | None] = [None] * len(checks)
    for k, share in enumerate(shares):
        if share is not None and len(share) == len(done[k::jobs]):  # else it died: all its checks again here
            done[k::jobs] = share
    return [d if d is not None else _run(check) for d, check in zip(done, checks, strict=True)]


def _start(share: list[Item]) -> tuple[int, int]:
    """A forked worker that runs `share` and writes what each found (None: it raised) down a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    try:  # the worker: never returns
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches it too: the parent stops it
        data = pickle.dumps([_run_or_none(check) for check in share], protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)  # not the parent's exit handlers, nor its buffered output


def _results(read: int) -> list[Done | None] | None:
    """What a worker wrote; None when it died before writing it all."""
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    try:
        found = pickle.loads(b"".join(chunks))
    except Exception:  # cut short: the worker died
        return None
    return found if isinstance(found, list) else None


def _run(check: Item) -> Done:
    before = moment()
    problems = check.run()
    return problems, moment() != before


def _run_or_none(check: Item) -> Done | None:
    try:
        return _run(check)
    except Exception:  # said by running it again in the parent, as a run without workers would say it
        return None
