"""Grading off the event loop: a few worker processes, each job with a hard deadline.

A worker that misses the deadline (an answer sympy chews on without reaching a budget check) or
dies is killed and replaced, so one hostile answer never stalls the server or another student.
Workers start from a forkserver that has already imported the grader, so a replacement is quick.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal

Failure = Literal["timeout", "crash", "busy", "error"]
_WAIT_FOR_WORKER = 30.0  # seconds a request waits for a free worker before "busy"


@dataclass(frozen=True)
class Done:
    value: Any = None
    failure: Failure | None = None
    detail: str = ""


def _serve(conn: Connection, memory_mb: int) -> None:
    """A worker: run each (function, args) received and send back ("ok", value) or ("error", name)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server stops us
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))  # a runaway answer fails here, not the machine
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("error", "MemoryError")
        except Exception as exc:  # the server turns this into an `invalid` verdict, never a traceback
            reply = ("error", type(exc).__name__)
        conn.send(reply)


class _Worker:
    def __init__(self, ctx: Any, memory_mb: int) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process: BaseProcess = ctx.Process(target=_serve, args=(child, memory_mb), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Workers:
    """`jobs` worker processes; `run(fn, *args, deadline=s)` blocks a thread (never the event loop:
    call it through anyio.to_thread) until the result, or kills the worker at the deadline.

    A job that is not `urgent` (a preview, a check for the instructor's page) waits while an urgent
    one (a student's graded answer) is waiting for a worker: a class typing must not delay its grades."""

    def __init__(self, jobs: int = 2, memory_mb: int = 2048, preload: tuple[str, ...] = ("grader.serve.work",)) -> None:
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(list(preload))
        self._memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._free = threading.Condition()
        self._urgent_waiting = 0
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, jobs)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._ctx, self._memory_mb)
        with self._lock:
            self._all.add(worker)
        self._give(worker)

    def _give(self, worker: _Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._free.notify_all()

    def _take(self, urgent: bool) -> _Worker | None:
        end = time.monotonic() + _WAIT_FOR_WORKER
        with self._free:
            self._urgent_waiting += urgent
            try:
                while not self._idle or (not urgent and self._urgent_waiting):
                    left = end - time.monotonic()
                    if left <= 0:
                        return None
                    self._free.wait(left)
                return self._idle.pop()
            finally:
                self._urgent_waiting -= urgent

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._add()

    def run(self, fn: Callable[..., Any], *args: Any, deadline: float, urgent: bool = True) -> Done:
        worker = self._take(urgent)
        if worker is None:
            return Done(failure="busy")
        try:
            worker.conn.send((fn, args))
            if not worker.conn.poll(deadline):
                self._replace(worker)
                return Done(failure="timeout")
            status, value = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Done(failure="crash")
        self._give(worker)
        return Done(value) if status == "ok" else Done(failure="error", detail=str(value))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
