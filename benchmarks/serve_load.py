"""Load on `grader serve` (issue 17): simulated students answer concurrently against a local class-mode
server; half-way through the server is killed with SIGKILL and restarted on the same database.

    python benchmarks/serve_load.py                          # 300 students, 60 s, kill -9 at 30 s
    python benchmarks/serve_load.py --students 50 --seconds 20 --jobs 2 --out /tmp/load.md
    python benchmarks/serve_load.py --quick --json /tmp/load.json      # 6 students, 8 s (the smoke test)
    python benchmarks/serve_load.py --students 100 --seconds 40 --kill-at 0 --hostile 5   # 5 % hostile

Each student signs in with their link, opens a question, types the answer in bursts (a preview after
each pause, as the page's script sends one 250 ms after the last keystroke), submits, loads the page the
303 leads to and reads it before the next answer (think times seeded by --seed). Answers are the
part's right answer (for the student's variant), a known mistake or another wrong one, an unreadable
one, and now and then a hostile one (an exponent tower, 900 terms). At most 3 submissions per part (the
attempt cap: a fourth would not be graded) and at most 28 a minute (the rate limit is 30).

Grade latency is from sending the POST until its 303 (the attempt is committed by then). An attempt
is acknowledged when its 303 arrived; at the end every acknowledged attempt must be in the database,
in each student's order. Requests cut off by the kill (in flight, or refused while the server is
down) are counted apart from errors.

With --hostile PCT, that share of the students (the first ids) send nothing but budget-eating
answers: each expression part's right answer times `(sin(x)^2+cos(x)^2)^N` (N new each time), which
the grader mostly works on until a budget runs out (0.1-3 s) and calls `invalid` (no attempt used),
one after another without reading or thinking, resending at once after a 429. Their requests are
counted apart ("flood"); the figures above them are the other students'. Exit status 1 if any error or lost attempt.
Nothing is written outside a temporary folder unless --out / --json / --keep say so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gc
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_class import HOSTILE
from latency import percentile

from grader.core import limits
from grader.serve.database import Connection as Connection_
from grader.serve.database import location
from grader.sheets import bundled, cache, variants
from grader.sheets.model import (
    ChoiceAnswer,
    DerivationAnswer,
    ExpressionAnswer,
    IntervalAnswer,
    NumberAnswer,
    Part,
)

REPO = Path(__file__).resolve().parent.parent
ATTEMPTS_PER_PART = 3  # the server's cap; a 4th POST would redirect without grading
PER_MINUTE = 28  # the server allows 30 grades a minute; keep clear of it
TARGET_P99_MS = 200.0
TIMEOUT = 60.0  # seconds a request may take before it counts as failed

# --- what each student will type -----------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    sheet: str
    part: str
    right: str
    wrong: str
    invalid: str
    hostile: str
    eater: str  # budget-eating: right, but too costly to decide, with an exponent to add ("": no expression)


def _text(value: object) -> str:
    return str(getattr(value, "text", value))


def answers_for(sheet_id: str, part: Part, rng: random.Random) -> Answers:
    """A right, a wrong, an unreadable and a hostile answer to one part (of the student's variant)."""
    expects = part.expects
    if isinstance(expects, ExpressionAnswer | NumberAnswer):
        right = expects.answer.text
        wrong = f"2*({right}) + 1"
    elif isinstance(expects, IntervalAnswer):
        right = str((expects.low + expects.high) / 2)
        wrong = f"{expects.high} + 10"
    elif isinstance(expects, ChoiceAnswer):
        right = expects.choice
        wrong = next((c for c in expects.choices if c != right), "maybe")
    elif isinstance(expects, DerivationAnswer):
        right = f"{expects.start.text}\n= {expects.target.text}"
        wrong = f"{expects.start.text}\n= 2*({expects.target.text})"
    else:
        raise TypeError(type(expects))
    if part.mistakes and rng.random() < 0.7:
        wrong = _text(part.mistakes[0].answer)
        if isinstance(expects, DerivationAnswer):
            wrong = f"{expects.start.text}\n= {wrong}"
    cap = limits.MAX_DERIVATION_CHARS if part.kind == "derivation" else limits.MAX_ANSWER_CHARS
    hostile = rng.choice([h for h in HOSTILE if len(h) <= cap])
    eater = f"({right})*(sin(x)^2+cos(x)^2)^" if isinstance(expects, ExpressionAnswer) else ""
    return Answers(sheet_id, part.address, right, wrong, "(" + right.replace("\n", " "), hostile, eater)


def plans(ids: list[str], seed: int) -> dict[str, list[Answers]]:
    """Each student's parts in a shuffled order, with the answers for their variant of each."""
    sheets = [cache.load(str(path)) for path in bundled.bundled_sheets()]
    out: dict[str, list[Answers]] = {}
    for student in ids:
        rng = random.Random(f"{seed}:{student}")
        chosen = [variants.pick(s, variants.seed_for_student(student)) for s in sheets]
        todo = [answers_for(s.id, p, rng) for s in chosen for p in s.parts.values()]
        rng.shuffle(todo)
        out[student] = todo
    return out


# --- the server --------------------------------------------------------------------------------------


class Server:
    """`python -m grader serve --class` in its own process group, so SIGKILL reaches its workers too."""

    def __init__(self, folder: Path, jobs: int, profile: Path | None = None, db: str = "",
                 name: str = "server") -> None:
        self.folder = folder
        self.jobs = jobs
        self.db = db or str(folder / "class.sqlite")
        self.name = name
        self.profile = profile  # cProfile the server's main thread (the event loop) into this file
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.groups: list[int] = []
        self.starts = 0

    def start(self) -> float:
        """Start it and wait for its URL (listening from then); returns the seconds that took."""
        began = time.perf_counter()
        self.starts += 1
        out = self.folder / f"{self.name}-{self.starts}.out"
        profiling = ["-m", "cProfile", "-o", str(self.profile)] if self.profile else []
        command = [sys.executable, *profiling, "-m", "grader", "serve", "--class", str(self.folder / "roster.csv"),
                   "--db", self.db, "--links", str(self.folder / "links.csv"),
                   "--port", str(self.port), "--jobs", str(self.jobs)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with out.open("wb") as stdout, (self.folder / f"{self.name}-{self.starts}.err").open("wb") as stderr:
            self.process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=self.folder,
                                            start_new_session=True)
        self.groups.append(self.process.pid)
        while time.perf_counter() - began < 120:
            printed = out.read_text(encoding="utf-8")
            if "\n" in printed:  # the first line, whole: "grader serve: http://127.0.0.1:PORT/  (listening ..."
                self.url = printed.split()[2].rstrip("/")
                self.port = int(self.url.rsplit(":", 1)[1])
                return time.perf_counter() - began
            if self.process.poll() is not None:
                err = (self.folder / f"{self.name}-{self.starts}.err").read_text(encoding="utf-8")
                raise RuntimeError(f"grader serve exited with {self.process.returncode}: {err}")
            time.sleep(0.02)
        raise RuntimeError("grader serve printed no URL within 120 s")

    def kill(self) -> None:
        """kill -9 the server, its forkserver and its workers (one process group)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Ctrl-C, as in a terminal; SIGKILL if it has not stopped in 20 s. Then nothing of ours is left."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGINT)
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        waited = time.perf_counter()
        while any(_alive(g) for g in self.groups) and time.perf_counter() - waited < 10:
            time.sleep(0.05)  # killed, not yet reaped by init


class Fleet:
    """Several servers on one PostgreSQL class (--servers N), each on its own port; the first is the one
    killed and restarted. With one server it is that server."""

    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers

    @property
    def groups(self) -> list[int]:
        return [g for s in self.servers for g in s.groups]

    @property
    def url(self) -> str:
        return self.servers[0].url

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    def start_all(self) -> float:
        """One after the other: the first writes the links, the others keep them."""
        return sum(s.start() for s in self.servers)

    def start(self) -> float:
        return self.servers[0].start()

    def kill(self) -> None:
        self.servers[0].kill()

    def stop(self) -> None:
        for s in self.servers:
            s.stop()


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


class GroupCPU:
    """CPU seconds used by the server's processes (all its process groups), sampled from /proc: a
    process's last sample before it died counts, so this is a slight underestimate after a kill."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def sample(self) -> None:
        groups = set(self.server.groups)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) in groups:
                pid = int(entry.name)
                used = (int(fields[11]) + int(fields[12])) / self.tick
                self.seen[pid] = max(self.seen.get(pid, 0.0), used)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.sample()

    def start(self) -> None:
        if Path("/proc/self/stat").exists():
            self.sample()
            self._thread.start()

    def used(self) -> tuple[float, float]:
        """(CPU seconds of the servers' main processes: the event loop and its threads; of all the rest)."""
        main = sum(used for pid, used in self.seen.items() if pid in self.server.groups)
        return main, sum(self.seen.values()) - main

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
            self.sample()


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat (all processes, every session)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / tick, sum(fields[:8]) / tick


# --- the students -----------------------------------------------------------------------------------


class Closed(Exception):
    """The connection gave no reply (refused, reset, closed, timed out)."""


class Connection:
    """One keep-alive HTTP/1.1 connection with a cookie, as a browser keeps one to a server. Just enough
    HTTP for this server's replies; it is here because httpx spent half a core on this load, which
    skewed every latency measured (and the machine is shared with the server)."""

    def __init__(self, host: str, port: int, others: tuple[int, ...] = ()) -> None:
        self.host, self.port = host, port
        self.others = others  # further servers of the class: tried when this one refuses a connection
        self.cookie = ""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}", f"content-length: {len(body)}"]
        if form is not None:
            lines.append("content-type: application/x-www-form-urlencoded")
        if self.cookie:
            lines.append(f"cookie: {self.cookie}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        message = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for _ in range(2):
            fresh = self._writer is None
            try:
                if self._reader is None or self._writer is None:
                    self._reader, self._writer = await self._connect()
                self._writer.write(message)
                await self._writer.drain()
                status_line = await self._reader.readline()
                if not status_line:
                    raise Closed("closed before a reply")
            except (OSError, Closed) as err:
                self.close()
                if fresh:
                    raise Closed(type(err).__name__) from err
                continue  # a kept-alive connection the server had closed: a browser opens another and resends
            try:
                return await self._reply(status_line)
            except (OSError, asyncio.IncompleteReadError, ValueError) as err:
                self.close()
                raise Closed(type(err).__name__) from err
        raise Closed("closed before a reply")

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connection to this student's server, or, when it refuses (killed), to the next one, as a
        reverse proxy does (nginx's proxy_next_upstream: nothing was sent yet, so a POST too)."""
        for port in (self.port, *[p for p in self.others if p != self.port]):
            try:
                opened = await asyncio.open_connection(self.host, port)
            except OSError:
                continue
            self.port = port
            return opened
        raise ConnectionRefusedError("no server accepts connections")

    async def _reply(self, status_line: bytes) -> tuple[int, dict[str, str], bytes]:
        assert self._reader is not None
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self._reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self.cookie = value.split(";", 1)[0]
            headers[name] = value
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self._reader.readline()).split(b";")[0], 16):
                body += await self._reader.readexactly(size)
                await self._reader.readline()
            await self._reader.readline()
        else:
            body = await self._reader.read()
            self.close()
        if headers.get("connection") == "close":
            self.close()
        return status, headers, body


@dataclass
class Call:
    what: str  # signin, page, preview, grade:<right|wrong|invalid|hostile>, stats
    began: float
    ended: float
    status: int  # 0: no HTTP reply (connection refused, reset, timeout)
    error: str = ""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Run:
    host: str
    port: int
    stop_at: float
    ports: tuple[int, ...] = ()  # every server's port (--servers N): students are spread over them
    calls: list[Call] = field(default_factory=list)
    acknowledged: list[tuple[str, str, str, str, float]] = field(default_factory=list)  # student, sheet, part, text, t
    sent: list[tuple[str, str, str, str]] = field(default_factory=list)  # every answer POST, acknowledged or not
    lag: list[float] = field(default_factory=list)
    down: bool = False  # killed and not yet restarted: the outage does not count towards the duration

    async def call(self, conn: Connection, what: str, method: str, path: str, form: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None) -> Reply | None:
        began = time.perf_counter()
        try:
            status, got, body = await asyncio.wait_for(conn.request(method, path, form, headers), TIMEOUT)
        except (Closed, TimeoutError) as err:
            conn.close()
            self.calls.append(Call(what, began, time.perf_counter(), 0, str(err) or type(err).__name__))
            return None
        self.calls.append(Call(what, began, time.perf_counter(), status))
        return Reply(status, got, body.decode("utf-8", "replace"))

    def over(self) -> bool:
        return not self.down and time.perf_counter() >= self.stop_at

    def connect(self, index: int) -> Connection:
        """The `index`-th client's connection: to server index % N, the others as fallbacks."""
        ports = self.ports or (self.port,)
        return Connection(self.host, ports[index % len(ports)], ports)


def _csrf(html: str) -> str | None:
    marker = 'data-csrf="'
    at = html.find(marker)
    return html[at + len(marker):html.index('"', at + len(marker))] if at >= 0 else None


async def _page(run: Run, conn: Connection, path: str) -> str | None:
    """GET a page as a student reloading it would: again after a failure until it comes (or time is up)."""
    while not run.over():
        reply = await run.call(conn, "page", "GET", path)
        if reply is not None and reply.status == 200:
            return reply.text
        await asyncio.sleep(0.5)
    return None


_PLOT = re.compile(r'data-plot="([^"]+)"')


async def _plots(run: Run, conn: Connection, page: str, before: asyncio.Task[None] | None) -> None:
    """The wrong answers' plots a question page shows, fetched as its script does once it is shown (on a
    second connection, as a browser opens one: the student reads the verdict meanwhile)."""
    if before is not None:
        await before
    for url in _PLOT.findall(page):
        if run.over():
            return
        await run.call(conn, "plot", "GET", unescape(url))


def _pick(rng: random.Random, first: bool) -> str:
    roll = rng.random()
    if first:
        return "right" if roll < 0.55 else "wrong" if roll < 0.80 else "invalid" if roll < 0.96 else "hostile"
    return "right" if roll < 0.65 else "wrong" if roll < 0.90 else "invalid"


async def _signin(run: Run, conn: Connection, token: str) -> bool:
    while not run.over():
        reply = await run.call(conn, "signin", "GET", f"/signin/{token}")
        if reply is not None and reply.status == 200:
            return True
        await asyncio.sleep(0.5)
    return False


async def student(run: Run, student_id: str, token: str, todo: list[Answers], rng: random.Random,
                  start_in: float, index: int = 0) -> None:
    await asyncio.sleep(start_in)
    conn = run.connect(index)
    try:
        if not await _signin(run, conn, token):
            return
        csrf = _csrf(await _page(run, conn, "/") or "") or ""
        submitted: deque[float] = deque()
        shown = ""
        side = run.connect(index)  # the page's script's requests (the plots)
        drawing: asyncio.Task[None] | None = None

        def draw(page: str) -> None:
            nonlocal drawing
            side.cookie = conn.cookie
            drawing = asyncio.create_task(_plots(run, side, page, drawing))

        for item in todo:
            question = f"/sheets/{item.sheet}/q/{item.part.split('.', 1)[0]}"
            if shown != question:
                if (page := await _page(run, conn, question)) is None:
                    return
                draw(page)
                shown = question
            posts = 0
            while posts < ATTEMPTS_PER_PART:
                kind = _pick(rng, posts == 0)
                text = getattr(item, kind)
                for cut in sorted(rng.sample(range(1, len(text) + 1), min(len(text), rng.randint(1, 4)))):
                    await asyncio.sleep(rng.uniform(0.4, 1.5))  # typing, then a pause: the page previews
                    if run.over():
                        return
                    await run.call(conn, "preview", "POST", "/preview", headers={"x-csrf-token": csrf},
                                   form={"sheet": item.sheet, "part": item.part, "text": text[:cut]})
                await asyncio.sleep(rng.uniform(0.3, 1.0))
                while len(submitted) >= PER_MINUTE:
                    await asyncio.sleep(max(0.0, submitted.popleft() + 60.5 - time.perf_counter()))
                if run.over():
                    return
                submitted.append(time.perf_counter())
                posts += 1
                run.sent.append((student_id, item.sheet, item.part, text))
                reply = await run.call(conn, f"grade:{kind}", "POST", f"/sheets/{item.sheet}/parts/{item.part}/answer",
                                       form={"csrf": csrf, "answer": text})
                if reply is None or reply.status != 303:
                    await asyncio.sleep(1.0)  # no verdict came: the student sends it again
                    continue
                run.acknowledged.append((student_id, item.sheet, item.part, text, time.perf_counter()))
                if (page := await _page(run, conn, urlsplit(reply.headers["location"]).path)) is None:
                    return
                draw(page)
                await asyncio.sleep(rng.uniform(1.0, 4.0))  # reads the verdict
                if kind == "right":
                    break
        if drawing is not None:
            await drawing
    finally:
        conn.close()
        side.close()


async def flooder(run: Run, token: str, todo: list[Answers], start_in: float) -> None:
    """A hostile student: budget-eating answers only, back to back, again at once after a refusal."""
    await asyncio.sleep(start_in)
    conn = run.connect(0)
    eaters = [item for item in todo if item.eater]
    try:
        if not await _signin(run, conn, token):
            return
        csrf = _csrf(await _page(run, conn, "/") or "") or ""
        sent = 0
        while not run.over():
            for item in eaters:
                if run.over():
                    return
                sent += 1  # a new exponent each time: no cache of the server's answers it
                reply = await run.call(conn, "flood", "POST", f"/sheets/{item.sheet}/parts/{item.part}/answer",
                                       form={"csrf": csrf, "answer": f"{item.eater}{900 + sent % 99}"})
                if reply is None:
                    await asyncio.sleep(0.5)
    finally:
        conn.close()


async def instructor(run: Run, token: str) -> None:
    """The instructor's page open all along: it fetches the class's figures every 5 s."""
    conn = run.connect(1)
    try:
        if await _signin(run, conn, token):
            while not run.over():
                await asyncio.sleep(5.0)
                await run.call(conn, "stats", "GET", "/instructor/stats.json")
    finally:
        conn.close()


async def lag_monitor(run: Run) -> None:
    """How late this client's event loop wakes up: latency it adds to every figure measured here."""
    while not run.over():
        began = time.perf_counter()
        await asyncio.sleep(0.05)
        run.lag.append(time.perf_counter() - began - 0.05)


@dataclass
class Kill:
    at: float = 0.0  # perf_counter when SIGKILL was sent
    up: float = 0.0  # when the restarted server printed its URL
    restart_seconds: float = 0.0


async def killer(run: Run, server: Server | Fleet, after: float, kill: Kill) -> None:
    await asyncio.sleep(after)
    kill.at = time.perf_counter()
    run.down = True
    await asyncio.to_thread(server.kill)
    kill.restart_seconds = await asyncio.to_thread(server.start)
    kill.up = time.perf_counter()
    run.stop_at += kill.up - kill.at
    run.down = False


async def load(run: Run, server: Server | Fleet, links: dict[str, str], todo: dict[str, list[Answers]], seconds: float,
               kill_after: float, seed: int, with_instructor: bool, hostile: set[str] = frozenset()) -> Kill:  # type: ignore[assignment]
    rng = random.Random(seed)
    kill = Kill()
    tasks = [asyncio.create_task(
        flooder(run, token, todo[sid], rng.uniform(0.0, 1.0)) if sid in hostile else
        student(run, sid, token, todo[sid], random.Random(f"{seed}:{sid}:pace"),
                rng.uniform(0.0, min(3.0, seconds / 4)), index))
        for index, (sid, token) in enumerate(links.items()) if sid != "*instructor*"]
    if with_instructor:
        tasks.append(asyncio.create_task(instructor(run, links["*instructor*"])))
    tasks.append(asyncio.create_task(lag_monitor(run)))
    if kill_after > 0:
        tasks.append(asyncio.create_task(killer(run, server, kill_after, kill)))
    await asyncio.gather(*tasks)
    return kill


# --- checking and figures ---------------------------------------------------------------------------


def stored(db: Path | str) -> list[tuple[str, str, str, str, str, str]]:
    """Every attempt in the database: (roster id, sheet, part, answer, status, decided_by), in id order."""
    con = Connection_(location(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT s.roster_id, a.sheet_id, a.part, a.answer, a.status, a.result_json"
            " FROM attempts a JOIN students s ON s.id = a.student_id ORDER BY a.id").fetchall()
    finally:
        con.close()
    return [(*(str(c) for c in r[:5]), str(json.loads(r[5]).get("decided_by")))  # type: ignore[misc]
            for r in rows]


def over_limit(db: Path | str) -> int:
    """Parts (of a student and a variant) with more attempts counted than the limit allows."""
    con = Connection_(location(db), read_only=True)
    try:
        return len(con.execute(
            "SELECT student_id FROM attempts GROUP BY student_id, sheet_id, part, seed HAVING SUM(counted) > ?",
            (ATTEMPTS_PER_PART,)).fetchall())
    finally:
        con.close()


def lost_attempts(acknowledged: list[tuple[str, str, str, str, float]],
                  rows: list[tuple[str, str, str, str, str, str]]) -> tuple[int, int]:
    """(acknowledged attempts missing from the database, stored attempts never acknowledged): each
    student's acknowledged attempts must appear among their stored ones in the same order."""
    mine: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        mine.setdefault(r[0], []).append((r[1], r[2], r[3]))
    lost = matched = 0
    wanted: dict[str, list[tuple[str, str, str]]] = {}
    for a in acknowledged:
        wanted.setdefault(a[0], []).append((a[1], a[2], a[3]))
    for sid, expected in wanted.items():
        have, at = mine.get(sid, []), 0
        for attempt in expected:
            while at < len(have) and have[at] != attempt:
                at += 1
            if at == len(have):
                lost += 1
            else:
                matched += 1
                at += 1
    return lost, len(rows) - matched


def ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000 if values else float("nan")


def windows(calls: list[Call], began: float, kill: Kill) -> list[tuple[str, int, float]]:
    """(seconds since the start, or since the restart with +, when sent; how many; p99 ms) per 5 s."""
    out = []
    for origin, sign, chosen in ((began, "", [c for c in calls if not kill.at or c.began < kill.up]),
                                 (kill.up, "+", [c for c in calls if kill.at and c.began >= kill.up])):
        buckets: dict[int, list[float]] = {}
        for c in chosen:
            buckets.setdefault(int((c.began - origin) // 5) * 5, []).append(c.ended - c.began)
        out += [(f"{sign}{at}", len(v), round(ms(v, 99))) for at, v in sorted(buckets.items())]
    return out


def phases(calls: list[Call], kill: Kill) -> dict[str, dict[str, float]]:
    """Latency of the calls sent before the kill, while the server was restarting (they waited in the
    listen backlog or behind the restart's first requests), and after it was up again."""
    if not kill.at:
        return {}
    parts = {"before": [c for c in calls if c.began < kill.at],
             "restarting": [c for c in calls if kill.at <= c.began <= kill.up],
             "after": [c for c in calls if c.began > kill.up]}
    out = {}
    for name, chosen in parts.items():
        took = [c.ended - c.began for c in chosen]
        out[name] = {"n": len(took), "p50": ms(took, 50), "p99": ms(took, 99), "max": ms(took, 100)}
    return out


def figures(run: Run, kill: Kill, rows: list[tuple[str, str, str, str, str, str]], began: float, seconds: float,
            server_cpu: tuple[float, float], client_cpu: float) -> dict[str, Any]:
    down_from, down_to = (kill.at, kill.up) if kill.at else (float("inf"), float("-inf"))
    cut = [c for c in run.calls if c.status == 0 and c.began < down_to and c.ended >= down_from]
    floods = [c for c in run.calls if c.what == "flood"]
    honest = [c for c in run.calls if c.what != "flood"]
    errors = [c for c in honest if (c.status == 0 and c not in cut) or (c.status >= 400 and c.status not in (409, 429))]
    grades = [c for c in run.calls if c.what.startswith("grade:") and c.status == 303]
    normal = [c.ended - c.began for c in grades if c.what != "grade:hostile"]
    hostile = [c.ended - c.began for c in grades if c.what == "grade:hostile"]
    every = [c.ended - c.began for c in grades]
    steady = [c.ended - c.began for c in grades if not down_from <= c.began <= down_to]
    previews = [c.ended - c.began for c in run.calls if c.what == "preview" and c.status == 200]
    pages = [c.ended - c.began for c in run.calls if c.what == "page" and c.status == 200]
    plotted = [c.ended - c.began for c in run.calls if c.what == "plot" and c.status == 200]
    stats = [c.ended - c.began for c in run.calls if c.what == "stats" and c.status == 200]
    back = [c.ended for c in run.calls if c.status and c.ended > down_to]
    lost, unacknowledged = lost_attempts(run.acknowledged, rows)
    wall = max((c.ended for c in run.calls), default=began) - began
    mine = {(r[0], r[1], r[2], r[3]) for r in rows}
    hostile_rows = Counter(r[4] for r in rows if any(r[3] == h for h in HOSTILE))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "students": len({a[0] for a in run.sent}), "seconds": seconds,
        "requests": len(run.calls), "requests_per_s": len(run.calls) / wall if wall else 0.0,
        "grades_acknowledged": len(grades), "grades_per_s": len(grades) / wall if wall else 0.0,
        "grade_ms": {q: ms(every, v) for q, v in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))},
        "grade_ms_without_hostile": {"p50": ms(normal, 50), "p99": ms(normal, 99)},
        "grade_ms_outside_restart": {"p50": ms(steady, 50), "p99": ms(steady, 99)},
        "grade_ms_by_phase": phases(grades, kill),
        "grade_p99_ms_by_5s": windows(grades, began, kill),
        "preview_ms_by_phase": phases([c for c in run.calls if c.what == "preview" and c.status == 200], kill),
        "page_ms_by_phase": phases([c for c in run.calls if c.what == "page" and c.status == 200], kill),
        "hostile": {"n": len(hostile), "max_ms": ms(hostile, 100), "statuses": dict(hostile_rows)},
        "flood": {"sent": len(floods), "replies": dict(Counter(str(c.status) for c in floods)),
                  "graded_ms_p50": ms([c.ended - c.began for c in floods if c.status == 303], 50)},
        "refused_409": sum(c.status == 409 for c in honest),
        "preview_ms": {"n": len(previews), "p50": ms(previews, 50), "p99": ms(previews, 99)},
        "page_ms": {"n": len(pages), "p50": ms(pages, 50), "p99": ms(pages, 99)},
        "plot_ms": {"n": len(plotted), "p50": ms(plotted, 50), "p99": ms(plotted, 99)},
        "stats_ms": {"n": len(stats), "p50": ms(stats, 50), "max": ms(stats, 100)},
        "errors": len(errors), "error_kinds": dict(Counter(f"{c.what} {c.status or c.error}" for c in errors)),
        "rate_limited_429": sum(c.status == 429 for c in honest),
        "killed": bool(kill.at),
        "in_flight_at_kill": sum(c.began < down_from for c in cut),
        "grades_in_flight_at_kill": sum(c.began < down_from and c.what.startswith("grade:") for c in cut),
        "refused_while_down": sum(c.began >= down_from for c in cut),
        "restart_s": kill.restart_seconds,
        "down_s": (min(back) - kill.at) if kill.at and back else 0.0,
        "attempts_stored": len(rows),
        "attempts_sent": len(run.sent),
        "sent_but_not_stored": sum((s[0], s[1], s[2], s[3]) not in mine for s in run.sent),
        "lost": lost, "stored_not_acknowledged": unacknowledged, "hostile_students": 0,
        "verdicts": dict(Counter(r[4] for r in rows)),
        "server_cpu_s": sum(server_cpu), "server_main_cpu_s": server_cpu[0], "server_workers_cpu_s": server_cpu[1],
        "wall_s": wall,
        "client_cpu_s": client_cpu, "client_loop_lag_ms": {"p50": ms(run.lag, 50), "p99": ms(run.lag, 99),
                                                          "max": ms(run.lag, 100)},
    }


def table(f: dict[str, Any], header: str) -> str:
    g = f["grade_ms"]
    met = "yes" if g["p99"] <= TARGET_P99_MS else "**no**"
    lines = [
        header, "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| grade requests acknowledged (POST → 303) | {f['grades_acknowledged']} ({f['grades_per_s']:.1f}/s) | |",
        f"| grade latency p50 / p95 / p99 / max | {g['p50']:.0f} / {g['p95']:.0f} / {g['p99']:.0f} / {g['max']:.0f} ms"
        f" | p99 ≤ {TARGET_P99_MS:.0f} ms: {met} |",
        f"| grade latency outside the restart (not sent while the server was down or starting), p50 / p99 |"
        f" {f['grade_ms_outside_restart']['p50']:.0f} / {f['grade_ms_outside_restart']['p99']:.0f} ms |"
        f" p99 ≤ {TARGET_P99_MS:.0f} ms |",
        f"| grade latency without hostile answers, p50 / p99 | {f['grade_ms_without_hostile']['p50']:.0f} / "
        f"{f['grade_ms_without_hostile']['p99']:.0f} ms | |",
    ]
    for what, key in (("grade", "grade_ms_by_phase"), ("preview", "preview_ms_by_phase"), ("page", "page_ms_by_phase")):
        if f[key]:
            b, r, a = f[key]["before"], f[key]["restarting"], f[key]["after"]
            lines.append(f"| {what} p50 / p99 sent before the kill ({b['n']}); while restarting ({r['n']}, max); after"
                         f" ({a['n']}) | {b['p50']:.0f} / {b['p99']:.0f} ms; {r['max']:.0f} ms; {a['p50']:.0f} /"
                         f" {a['p99']:.0f} ms | |")
    lines += [
        f"| hostile answers graded: n, max latency, verdicts stored | {f['hostile']['n']}, "
        f"{f['hostile']['max_ms']:.0f} ms, {f['hostile']['statuses']} | never correct; within the 3 s budget |",
        "| grade p99 per 5 s window, by when sent (s from the start; +s from the restart) | "
        + " ".join(f"{at}: {p99}" for at, _, p99 in f["grade_p99_ms_by_5s"]) + " ms | |",
        f"| previews: n, p50 / p99 | {f['preview_ms']['n']}, {f['preview_ms']['p50']:.0f} / "
        f"{f['preview_ms']['p99']:.0f} ms | |",
        f"| page loads (sign-in pages, questions, after each 303): n, p50 / p99 | {f['page_ms']['n']}, "
        f"{f['page_ms']['p50']:.0f} / {f['page_ms']['p99']:.0f} ms | |",
        f"| wrong answers' plots (the question page's script asks for each): n, p50 / p99 | {f['plot_ms']['n']}, "
        f"{f['plot_ms']['p50']:.0f} / {f['plot_ms']['p99']:.0f} ms | |",
        f"| instructor stats.json every 5 s: n, p50 / max | {f['stats_ms']['n']}, {f['stats_ms']['p50']:.0f} / "
        f"{f['stats_ms']['max']:.0f} ms | |",
        f"| requests (all kinds) | {f['requests']} ({f['requests_per_s']:.0f}/s) | |",
        f"| errors (non-2xx/3xx except 429; transport errors outside the kill) | {f['errors']} {f['error_kinds'] or ''}"
        f" | 0 |",
        f"| 429 rate-limited | {f['rate_limited_429']} | 0 (paced) |",
        f"| 409 (an answer to a part already over or still being checked) | {f['refused_409']} | |",
    ]
    if f["hostile_students"]:
        flood = f["flood"]
        lines.append(f"| hostile students (budget-eating answers only): n; sent, replies by status; graded p50 |"
                     f" {f['hostile_students']}; {flood['sent']}, {flood['replies']}; {flood['graded_ms_p50']:.0f} ms"
                     f" | |")
    if f["killed"]:
        lines += [
            f"| kill -9: requests in flight (of them grade POSTs) / refused while down | {f['in_flight_at_kill']} "
            f"({f['grades_in_flight_at_kill']}) / {f['refused_while_down']} | not acknowledged |",
            f"| restart: until the URL / until clients were served again | {f['restart_s']:.1f} s / "
            f"{f['down_s']:.1f} s | |",
        ]
    lines += [
        f"| attempts sent / stored / acknowledged-then-lost | {f['attempts_sent']} / {f['attempts_stored']} / "
        f"{f['lost']} | 0 lost |",
        f"| stored but never acknowledged (the kill cut the reply) | {f['stored_not_acknowledged']} | |",
        f"| parts with more attempts counted than the limit ({ATTEMPTS_PER_PART}) | {f.get('over_limit', 0)} | 0 |",
        f"| verdicts stored | {f['verdicts']} | |",
        f"| server CPU: main process (event loop, threads) + forkserver and workers, over {f['wall_s']:.0f} s |"
        f" {f['server_main_cpu_s']:.0f} s ({100 * f['server_main_cpu_s'] / f['wall_s']:.0f} % of a core) +"
        f" {f['server_workers_cpu_s']:.0f} s | |",
        f"| the machine during the run: busy (all sessions) / of it this benchmark (server + client) |"
        f" {100 * f['machine_busy']:.0f} % / {100 * f['ours_of_busy']:.0f} % | |",
        f"| client CPU; its event-loop lag p50 / p99 / max | {f['client_cpu_s']:.0f} s; "
        f"{f['client_loop_lag_ms']['p50']:.0f} / {f['client_loop_lag_ms']['p99']:.0f} / "
        f"{f['client_loop_lag_ms']['max']:.0f} ms | |",
    ]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head


def measure(folder: Path, students: int, seconds: float, jobs: int, kill_at: float, seed: int,
            profile: Path | None, with_instructor: bool = True, hostile_share: float = 0.0, db: str = "",
            servers: int = 1) -> dict[str, Any]:
    """Start the server(s) in `folder`, run the students against them, stop them, and check the database."""
    ids = [f"s{n:04d}" for n in range(1, students + 1)]
    hostile = set(ids[:round(students * hostile_share / 100)])
    (folder / "roster.csv").write_text("student_id,name\n" + "".join(f"{i},Student {i}\n" for i in ids),
                                       encoding="utf-8")
    todo = plans(ids, seed)
    where = db or str(folder / "class.sqlite")
    fleet = Fleet([Server(folder, jobs, profile.resolve() if profile else None, where, f"server-{chr(97 + n)}")
                   for n in range(servers)])
    server: Server | Fleet = fleet if servers > 1 else fleet.servers[0]
    cpu = GroupCPU(server)  # type: ignore[arg-type]
    try:
        first_start = fleet.start_all()
        cpu.start()
        startup = cpu.used()  # not part of the load (a restart's is)
        with (folder / "links.csv").open(encoding="utf-8") as file:
            links = {r["student_id"]: r["link"].rsplit("/signin/", 1)[1] for r in csv.DictReader(file)}
        gc.freeze()  # the client's own full collections (70–130 ms) stood still every request in flight
        began, client_began, busy_began = time.perf_counter(), time.process_time(), machine_busy()
        url = urlsplit(fleet.url)
        run = Run(url.hostname or "127.0.0.1", url.port or 80, began + seconds, tuple(fleet.ports))
        kill = asyncio.run(load(run, server, links, todo, seconds, kill_at, seed, with_instructor, hostile))
        client_cpu, busy_ended = time.process_time() - client_began, machine_busy()
        fleet.stop()
        cpu.stop()
    finally:
        fleet.stop()
    used = cpu.used()
    server_cpu = (used[0] - startup[0], used[1] - startup[1])
    rows = [r for r in stored(where) if r[0] not in hostile]  # the flood is not checked
    run.acknowledged = [a for a in run.acknowledged if a[0] not in hostile]
    found = figures(run, kill, rows, began, seconds, server_cpu, client_cpu)
    found["calls"] = [(c.what, round(c.began - began, 4), round(c.ended - c.began, 4), c.status) for c in run.calls]
    found["hostile_students"] = len(hostile)
    found["over_limit"] = over_limit(where)
    busy, total = busy_ended[0] - busy_began[0], busy_ended[1] - busy_began[1]
    found.update(first_start_s=first_start, server_groups=fleet.groups, machine_busy=busy / total if total else 0.0,
                 ours_of_busy=(sum(server_cpu) + client_cpu) / busy if busy else 0.0, servers=servers,
                 backend="postgresql" if db.startswith("postgres") else "sqlite")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=2, help="the server's worker processes")
    parser.add_argument("--kill-at", type=float, default=None, help="seconds in (default: half-way; 0: no kill)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="", metavar="URL",
                        help="an empty PostgreSQL database (postgresql://USER@HOST/DBNAME); default: a new SQLite file")
    parser.add_argument("--servers", type=int, default=1,
                        help="server processes on one --db (PostgreSQL), each on its own port; students are spread "
                             "over them and move to another when theirs refuses connections (as a proxy does); "
                             "the first is the one killed")
    parser.add_argument("--no-instructor", action="store_true",
                        help="no instructor page open (it fetches the class's figures every 5 s)")
    parser.add_argument("--quick", action="store_true", help="6 students for 8 s (the smoke test)")
    parser.add_argument("--hostile", type=float, default=0.0, metavar="PCT",
                        help="this share of the students send only budget-eating answers (e.g. 5)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", type=Path, help="keep the database, links and server logs in this folder")
    parser.add_argument("--calls", type=Path, help="also write every request here, a JSON line each: what, sent"
                        " (s from the start), took (s), status (to see what a slow window held)")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, its stats to this file"
                        " (the main thread only; use --kill-at 0, a killed server writes none)")
    args = parser.parse_args()
    if args.quick:
        args.students, args.seconds = 6, 8.0
    kill_at = args.seconds / 2 if args.kill_at is None else args.kill_at
    if args.servers > 1 and not args.db.startswith("postgres"):
        parser.error("--servers 2 or more needs --db postgresql://…")
    if args.db:
        from grader.serve import operate

        if operate.check(args.db).counts.get("students"):
            parser.error(f"{args.db} already holds a class: give a new, empty database (createdb)")
    load_before = os.getloadavg()
    command = "python benchmarks/serve_load.py " + " ".join(sys.argv[1:])

    with tempfile.TemporaryDirectory(prefix="serve-load-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        found = measure(folder, args.students, args.seconds, args.jobs, kill_at, args.seed, args.profile,
                        not args.no_instructor, args.hostile, args.db, args.servers)

    calls = found.pop("calls")
    if args.calls:
        args.calls.write_text("".join(json.dumps(c) + "\n" for c in calls), encoding="utf-8")
    found.update(commit=_commit(), command=command, jobs=args.jobs, load_average_before=load_before[0],
                 load_average_after=os.getloadavg()[0], cpus=os.cpu_count())
    header = (f"`{command}` on {found['date']}, commit {found['commit']}: {args.students} students for "
              f"{args.seconds:g} s, {found['backend']}"
              + (f", {args.servers} servers" if args.servers > 1 else "")
              + f", --jobs {args.jobs}, {found['cpus']} cores, load average "
              f"{found['load_average_before']:.2f} before, {found['load_average_after']:.2f} after"
              + (f"; kill -9 at {kill_at:g} s" if kill_at > 0 else "")
              + (f"; {found['hostile_students']} hostile students" if args.hostile else ""))
    text = table(found, header)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1, default=str), encoding="utf-8")
    return 0 if found["errors"] == 0 and found["lost"] == 0 and found["over_limit"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
