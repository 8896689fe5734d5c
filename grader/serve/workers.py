"""Grading off the event loop: a few worker processes, each job with a hard deadline.

A worker that misses the deadline (an answer sympy chews on without reaching a budget check) or
dies is killed and replaced, so one hostile answer never stalls the server or another student.
Workers start from a forkserver that has already imported the grader, so a replacement is quick.

Jobs are handed out fairly: each has an owner (a student, or in practice mode a client address), an
owner runs at most one job at a time, and a free worker goes to the waiting job whose owner used the
least worker time in the last minute (in whole seconds; then grades before previews, then the
oldest), while owners who used a second or more hold at most all workers but one. So one owner's
backlog delays another's job by at most the one job of theirs already running, and the time an
owner used is what their budget (`used`) is checked against, whether their answers came back right,
wrong or `invalid`.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal

Failure = Literal["timeout", "crash", "busy", "error"]
WAIT_FOR_WORKER = 30.0  # seconds a request waits for a free worker before "busy"
WINDOW = 60.0  # seconds of worker time remembered per owner
USE_STEP = 1.0  # owners who used less than this in the window are served alike (urgent first, then oldest)


@dataclass(frozen=True)
class Done:
    value: Any = None
    failure: Failure | None = None
    detail: str = ""
    seconds: float = 0.0  # worker time the job took (0 when it never had a worker)


def _serve(conn: Connection, memory_mb: int, nice: int = 0) -> None:
    """A worker: run each (function, args) received and send back ("ok", value) or ("error", name)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server stops us
    if nice:
        os.nice(nice)
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
        try:
            conn.send(reply)
        except OSError:  # the server is gone (killed): nobody to answer, and no traceback in its log
            return


class _Worker:
    def __init__(self, ctx: Any, memory_mb: int, nice: int) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process: BaseProcess = ctx.Process(target=_serve, args=(child, memory_mb, nice), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass(eq=False)
class _Ticket:
    order: int
    owner: Hashable | None
    urgent: bool
    began: float = field(default=0.0)
    heavy: bool = False  # its owner had used USE_STEP seconds or more when it started
    worker: _Worker | None = None  # the worker handed to it (by `_dispatch`)
    wake: threading.Condition | None = None  # notified when it has one: each waiting job is woken once


class Workers:
    """`jobs` worker processes; `run(fn, *args, deadline=s)` blocks a thread (never the event loop:
    call it through anyio.to_thread) until the result, or kills the worker at the deadline.

    A job that is not `urgent` (a preview, a check for the instructor's page) waits while an urgent
    one (a student's graded answer) is waiting for a worker: a class typing must not delay its grades."""

    def __init__(self, jobs: int = 2, memory_mb: int = 2048, preload: tuple[str, ...] = ("grader.serve.work",),
                 nice: int = 0) -> None:
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(list(preload))
        self._memory_mb = memory_mb
        self._nice = nice  # added to the workers' niceness: a pool of work that yields the CPU to the grades'
        self._heavy_cap = max(1, jobs - 1)
        self._idle: list[_Worker] = []
        self._free = threading.Lock()  # guards _idle, _waiting, _running, _spent, _started
        self._waiting: list[_Ticket] = []
        self._running: dict[Hashable, int] = {}
        self._spent: dict[Hashable, deque[tuple[float, float]]] = {}  # owner -> (when done, seconds used)
        self._order = itertools.count()
        self._started: list[_Ticket] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, jobs)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._ctx, self._memory_mb, self._nice)
        with self._lock:
            self._all.add(worker)
        self._give(worker)

    def _give(self, worker: _Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._dispatch()

    def _used(self, owner: Hashable | None, now: float) -> float:
        spent = self._spent.get(owner) if owner is not None else None
        if not spent:
            return 0.0
        while spent and now - spent[0][0] > WINDOW:
            spent.popleft()
        return sum(seconds for _, seconds in spent)

    def used(self, owner: Hashable) -> float:
        """Seconds of worker time `owner`'s jobs took in the last minute (the job running counts as
        far as it has gone)."""
        now = time.monotonic()
        with self._free:
            return self._used(owner, now) + sum(now - t.began for t in self._started if t.owner == owner)

    def waiting(self, owner: Hashable) -> int:
        """`owner`'s jobs waiting for a worker or running."""
        with self._free:
            return sum(t.owner == owner for t in self._waiting) + self._running.get(owner, 0)

    def _next(self, now: float) -> _Ticket | None:
        """The waiting job a free worker goes to: its owner's use of the last minute first, in whole
        USE_STEP seconds (so among light users, who are most students, the order is by what follows),
        then urgent before not, then the oldest; never one whose owner already has a job running. A
        heavy user's urgent grade waits behind a light user's preview: a flood of grades must not starve
        a class's previews (nor the instructor's figures). And heavy users together hold at most all
        workers but one, so a light user's job waits for none of theirs when there are two or more."""
        heavy_running = sum(t.heavy for t in self._started)
        used: dict[Hashable | None, float] = {}
        best: tuple[int, bool, int] | None = None
        chosen = None
        for t in self._waiting:
            if t.owner is not None and self._running.get(t.owner):
                continue
            if t.owner not in used:
                used[t.owner] = self._used(t.owner, now)
            if heavy_running >= self._heavy_cap and used[t.owner] >= USE_STEP:
                continue
            key = (int(used[t.owner] // USE_STEP), not t.urgent, t.order)
            if best is None or key < best:
                best, chosen = key, t
        return chosen

    def _dispatch(self) -> None:
        """Hand each idle worker to the job `_next` picks, and wake that job alone (the caller holds
        `_free`). Waking every waiting job at every change, each to ask whether it is the next, made
        the lock's holders quadratic in the jobs waiting: at 300 students the event loop, which takes
        the lock to read `used`/`waiting`, stood still for seconds at a time."""
        while self._idle:
            now = time.monotonic()
            ticket = self._next(now)
            if ticket is None:
                return
            self._waiting.remove(ticket)
            if ticket.owner is not None:
                self._running[ticket.owner] = self._running.get(ticket.owner, 0) + 1
            ticket.began = now
            ticket.heavy = self._used(ticket.owner, now) >= USE_STEP
            self._started.append(ticket)
            ticket.worker = self._idle.pop()
            assert ticket.wake is not None
            ticket.wake.notify()

    def _take(self, ticket: _Ticket, wait: float) -> _Worker | None:
        end = time.monotonic() + wait
        with self._free:
            ticket.wake = threading.Condition(self._free)
            self._waiting.append(ticket)
            self._dispatch()
            while ticket.worker is None:
                left = end - time.monotonic()
                if left <= 0:
                    self._waiting.remove(ticket)
                    return None
                ticket.wake.wait(left)
            return ticket.worker

    def _done(self, ticket: _Ticket) -> None:
        now = time.monotonic()
        with self._free:
            self._started.remove(ticket)
            if ticket.owner is not None:
                self._running[ticket.owner] -= 1
                if not self._running[ticket.owner]:
                    del self._running[ticket.owner]
                self._spent.setdefault(ticket.owner, deque()).append((now, now - ticket.began))
            for owner in [o for o, spent in self._spent.items() if spent and now - spent[-1][0] > WINDOW]:
                del self._spent[owner]  # an owner idle for a minute is forgotten
            self._dispatch()  # its owner's next job may go now

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._add()

    def run(self, fn: Callable[..., Any], *args: Any, deadline: float, urgent: bool = True,
            owner: Hashable | None = None, wait: float = WAIT_FOR_WORKER) -> Done:
        """`fn(*args)` in a worker; "busy" if none was free within `wait` seconds."""
        ticket = _Ticket(next(self._order), owner, urgent)
        worker = self._take(ticket, wait)
        if worker is None:
            return Done(failure="busy")
        try:
            try:
                worker.conn.send((fn, args))
                if not worker.conn.poll(deadline):
                    self._replace(worker)
                    return Done(failure="timeout", seconds=time.monotonic() - ticket.began)
                status, value = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._replace(worker)
                return Done(failure="crash", seconds=time.monotonic() - ticket.began)
            self._give(worker)
            took = time.monotonic() - ticket.began
            return (Done(value, seconds=took) if status == "ok" else
                    Done(failure="error", detail=str(value), seconds=took))
        finally:
            self._done(ticket)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
