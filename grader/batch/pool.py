"""A small process pool for grading, built for hostile input rather than throughput.

Why not `multiprocessing.Pool` or `concurrent.futures`: neither can stop one task that hangs in C
code, and a worker that dies breaks the whole `ProcessPoolExecutor`. Here every worker has its own
pipe and runs one task at a time; a task past its deadline gets its worker killed, a worker that
dies (segfault, out of memory, os._exit) is noticed through its sentinel, and in both cases that
task alone fails and a fresh worker takes the next one.

Workers are forked, so they start in milliseconds with the sheet already loaded. The parent must
not run threads while forking (the rich progress bar is refreshed by hand for that reason).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")

POLL_SECONDS = 0.2  # how often the parent wakes to check deadlines when nothing arrives
_MB = 1024 * 1024


FailureKind = Literal["timeout", "crash", "memory", "exception"]


@dataclass(frozen=True)
class Failure:
    """A task that produced no value: its worker overran its deadline, died, or raised."""

    reason: str
    kind: FailureKind


class _Pending:
    """No result yet (None is a result a task may return)."""


_PENDING = _Pending()


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    index: int = -1  # the task it is running, or -1 when idle
    deadline: float = 0.0


class WorkerPool(Generic[T, R]):
    """`jobs` worker processes running `work(task)`, each task with a hard `deadline` in seconds.

    `memory_mb` caps each worker's address space (resource.RLIMIT_AS), so a runaway answer gets a
    MemoryError (or dies) instead of taking the machine down.
    """

    def __init__(self, work: Callable[[T], R], *, jobs: int, deadline: float, memory_mb: int) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self._work = work
        self._jobs = jobs
        self._deadline = deadline
        self._memory_mb = memory_mb
        self._workers: list[_Worker] = []
        self._context = multiprocessing.get_context("fork")
        self.replaced = 0  # workers started to replace a killed or dead one

    def __enter__(self) -> WorkerPool[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, tasks: Sequence[T], done: Callable[[int], None] | None = None) -> list[R | Failure]:
        """Run every task; results in task order. `done(index)` is called as each task finishes."""
        results: list[R | Failure | _Pending] = [_PENDING] * len(tasks)
        pending = deque(range(len(tasks)))
        while len(self._workers) < min(self._jobs, len(tasks)):
            self._workers.append(self._start())
        while pending or any(w.index >= 0 for w in self._workers):
            for w in self._workers:
                if w.index < 0 and pending:
                    self._send(w, pending.popleft(), tasks)
            for index in self._collect(results):
                if done is not None:
                    done(index)
        complete = [r for r in results if not isinstance(r, _Pending)]
        assert len(complete) == len(tasks), "a task finished without a result"
        return complete

    def close(self) -> None:
        """Stop every worker: ask politely, then kill those that do not stop."""
        for w in self._workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in self._workers:
            w.process.join(timeout=1.0)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self._workers = []

    # --- internals -------------------------------------------------------------------------------

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        for stream in (sys.stdout, sys.stderr):  # else the child flushes a copy of unwritten output
            stream.flush()
        process = self._context.Process(target=_serve, args=(child, self._work, self._memory_mb), daemon=True)
        process.start()
        child.close()  # the parent keeps only its end, so a dead worker reads as EOF
        return _Worker(process, parent)

    def _send(self, w: _Worker, index: int, tasks: Sequence[T]) -> None:
        if not w.process.is_alive():  # died while idle (e.g. the OOM killer): not this task's fault
            self._replace(w)
        w.index, w.deadline = index, time.monotonic() + self._deadline
        # If it dies right now anyway, its sentinel tells the loop, which fails this task and
        # replaces it.
        with contextlib.suppress(OSError, ValueError):
            w.conn.send(tasks[index])

    def _collect(self, results: list[R | Failure | _Pending]) -> list[int]:
        """Wait a little for busy workers; return the indices of the tasks that finished."""
        busy = [w for w in self._workers if w.index >= 0]
        now = time.monotonic()
        timeout = max(0.0, min([w.deadline for w in busy], default=now) - now)
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], min(timeout, POLL_SECONDS))
        finished: list[int] = []
        for w in busy:
            outcome: R | Failure | _Pending = _PENDING
            retire = False
            if w.conn in ready:
                try:
                    outcome, retire = w.conn.recv()
                except (EOFError, OSError):
                    outcome = _death(w.process)
                    retire = True
            elif w.process.sentinel in ready:
                outcome, retire = _death(w.process), True
            elif time.monotonic() > w.deadline:
                outcome = Failure(f"still running after {self._deadline:g} s; its worker was stopped", "timeout")
                retire = True
            if isinstance(outcome, _Pending):
                continue
            results[w.index] = outcome
            finished.append(w.index)
            w.index = -1
            if retire:
                self._replace(w)
        return finished

    def _replace(self, w: _Worker) -> None:
        if w.process.is_alive():
            w.process.kill()
        w.process.join()
        w.conn.close()
        fresh = self._start()
        w.process, w.conn = fresh.process, fresh.conn
        self.replaced += 1


def _death(process: BaseProcess) -> Failure:
    process.join(timeout=1.0)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"was killed by {name}"
        kind: FailureKind = "memory" if -code == signal.SIGKILL else "crash"  # the OOM killer uses SIGKILL
    else:
        how, kind = f"exited with status {code}", "crash"
    return Failure(f"the worker grading it {how}", kind)


# --- the worker process ------------------------------------------------------------------------


def _serve(conn: Connection, work: Callable[[object], object], memory_mb: int) -> None:
    """Run tasks from `conn` until told to stop. Sends (value or Failure, retire?) per task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        retire = False
        try:
            value: object = work(task)
        except MemoryError:
            value, retire = Failure(f"it needed more than the {memory_mb} MB a worker may use", "memory"), True
        except Exception as exc:  # a bug in grading: that answer fails, the batch goes on
            value = Failure(f"grading raised {type(exc).__name__}: {str(exc)[:200]}", "exception")
        try:
            conn.send((value, retire))
        except Exception as exc:  # e.g. a value that cannot be pickled
            conn.send((Failure(f"its result could not be sent back ({type(exc).__name__})", "exception"), True))
        if retire:
            return


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at `memory_mb`, but never below what the fresh worker already maps."""
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        mapped = 0
    limit = max(memory_mb * _MB, mapped + 256 * _MB)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing worker leaves no core file behind
    except (ValueError, OSError):
        pass  # a platform without these limits still gets the timeout and crash isolation
