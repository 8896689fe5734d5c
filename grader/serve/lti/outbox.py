"""Scores on their way to an LMS: the `outbox` table (store migration 7) and the sender that empties it.

After each graded answer in an LTI session the core calls `enqueue`: the student's score for the sheet as
it stands, committed before the answer's page is sent (a killed server loses nothing: a restarted one
sends it). A `Sender` (an asyncio task of each server process) claims due rows in a transaction, so with
several servers on one PostgreSQL database each row is sent by one of them, and POSTs them (`ags.send`).

Two rules hold whatever fails:
- **Only the newest score of a (line item, user) goes out.** A new score replaces that user's older
  pending or failed ones (they become `superseded`); a score older than one already sent, being sent or
  waiting is never sent; a user's next score waits until the one being sent is settled.
- **Nothing is lost.** A platform that cannot be reached, answers 5xx or 429 is tried again, after its
  Retry-After or with a backoff doubling to `CAP`, for as long as it takes (when it is down or busy as a
  whole, its other scores wait with it); a score the platform refuses (another 4xx) is `failed` with its
  words, shown on the instructor page, and `grader lti resend --failed` sends it again. A claim of a
  killed server lapses after `LEASE`; a server starting tries every waiting score at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from grader.serve.database import Unavailable
from grader.serve.lti import ags
from grader.serve.lti.ags import Outcome, ScoreTarget, Sign

if TYPE_CHECKING:
    import httpx

    from grader.serve.store import Store

BASE = 2.0  # seconds before the first retry; each next one waits twice as long
CAP = 600.0  # the longest wait between two tries (a platform down for a weekend is tried every 10 minutes)
LONGEST_RETRY_AFTER = 86400.0  # a platform's Retry-After is honoured up to a day
LEASE = 60.0  # a row being sent is another server's for this long (more than a token and a score's timeouts)
POLL = 2.0  # seconds between looks for due rows (an enqueue in this process wakes the sender at once)
BATCH = 8  # rows claimed at once and sent together: each is settled well within its LEASE (4 calls of TIMEOUT)

_COLUMNS = ("id, issuer, client_id, token_url, lineitem_url, user_id, score_given, score_maximum, activity, grading,"
            " stamp, state, tries, due_at, error, created_at, sent_at")
_KEY = "issuer = ? AND lineitem_url = ? AND user_id = ?"


@dataclass(frozen=True)
class Entry:
    """One row of the outbox."""
    id: int
    target: ScoreTarget
    user_id: str
    score_given: float
    score_maximum: float
    activity: str
    grading: str
    stamp: str  # the score's timestamp (ags.stamp)
    state: str  # pending | sending | sent | failed | superseded
    tries: int
    due_at: float
    error: str
    created_at: str
    sent_at: str

    @property
    def document(self) -> dict[str, Any]:
        return ags.score_document(self.user_id, self.score_given, self.score_maximum, self.stamp, self.activity,
                                  self.grading)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.target.platform_issuer, self.target.lineitem_url, self.user_id)


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(int(row[0]), ScoreTarget(str(row[1]), str(row[2]), str(row[3]), str(row[4])), str(row[5]),
                 float(row[6]), float(row[7]), str(row[8]), str(row[9]), str(row[10]), str(row[11]), int(row[12]),
                 float(row[13]), str(row[14]), str(row[15]), str(row[16]))


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _replaced(store: Store, entry: Entry) -> bool:
    """Whether a newer score of the same user on the same line item is waiting, being sent, sent or failed
    (by timestamp, then by order of arrival): then `entry` must never be sent."""
    others = store._db.execute(f"SELECT id, stamp FROM outbox WHERE {_KEY} AND id != ?"
                               " AND state IN ('pending', 'sending', 'sent', 'failed')", (*entry.key, entry.id))
    return any((str(stamp), int(i)) > (entry.stamp, entry.id) for i, stamp in others.fetchall())


def enqueue(store: Store, target: ScoreTarget, user_id: str, score_given: float, score_maximum: float,
            timestamp: datetime, *, activity: str = "Submitted", grading: str = "FullyGraded") -> int:
    """Queue `user_id`'s score on `target` (their points for the sheet as they stand, at `timestamp`, an
    aware datetime: when the answer was graded); committed when this returns. Older pending or failed
    scores of theirs on that line item are superseded; a score older than one sent, being sent or waiting
    is stored as superseded at once. Wakes this process's sender. Returns the row's id."""
    stamp = ags.stamp(timestamp)
    key = (target.platform_issuer, target.lineitem_url, user_id)
    now = time.time()
    db = store._db
    with db.write("outbox:" + "\n".join(key)):  # two servers enqueueing for one user take turns
        newer = db.execute(f"SELECT 1 FROM outbox WHERE {_KEY} AND state IN ('pending', 'sending', 'sent')"
                           " AND stamp > ?", (*key, stamp)).fetchone()
        if newer is None:
            db.execute(f"UPDATE outbox SET state = 'superseded' WHERE {_KEY} AND state IN ('pending', 'failed')"
                       " AND stamp <= ?", (*key, stamp))
        row = db.execute(
            "INSERT INTO outbox (issuer, client_id, token_url, lineitem_url, user_id, score_given, score_maximum,"
            " activity, grading, stamp, state, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id", (target.platform_issuer, target.client_id, target.token_url, target.lineitem_url, user_id,
                              float(score_given), float(score_maximum), activity, grading, stamp,
                              "superseded" if newer else "pending", now, _now_text())).fetchone()
    sender = _running.get(id(store))
    if sender is not None and newer is None:
        sender.wake()
    return int(row[0])


def claim(store: Store, server: str, now: float, limit: int = BATCH, lease: float = LEASE) -> list[Entry]:
    """Take up to `limit` due rows for `server` to send, in one transaction (servers take turns): pending
    rows whose time has come, and rows a server stopped sending (its lease lapsed), the least tried first
    (rows failing again and again never hold up the others), then oldest first; never a user's second
    while their first is being sent, never one with a newer score beside it (superseded)."""
    db = store._db
    taken: list[Entry] = []
    if db.execute("SELECT 1 FROM outbox WHERE (state = 'pending' AND due_at <= ?) OR (state = 'sending'"
                  " AND claimed_until <= ?) LIMIT 1", (now, now)).fetchone() is None:
        return taken  # nothing due: no write transaction (a server looks every POLL seconds)
    with db.write("outbox:claim"):
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM outbox o WHERE ((o.state = 'pending' AND o.due_at <= ?)"
            " OR (o.state = 'sending' AND o.claimed_until <= ?)) AND NOT EXISTS (SELECT 1 FROM outbox b"
            " WHERE b.issuer = o.issuer AND b.lineitem_url = o.lineitem_url AND b.user_id = o.user_id"
            " AND b.state = 'sending' AND b.claimed_until > ?) ORDER BY o.tries, o.id LIMIT ?",
            (now, now, now, limit)).fetchall()
        keys: set[tuple[str, str, str]] = set()
        for entry in map(_entry, rows):
            if entry.key in keys or _replaced(store, entry):
                db.execute("UPDATE outbox SET state = 'superseded' WHERE id = ?", (entry.id,))
                continue
            keys.add(entry.key)
            took = db.execute("UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_until = ?,"
                              " tries = tries + 1 WHERE id = ? AND state IN ('pending', 'sending')",
                              (server, now + lease, entry.id)).rowcount  # 0: superseded since the SELECT
            if took:
                taken.append(entry)
    return taken


def backoff(tries: int, base: float = BASE, cap: float = CAP) -> float:
    """Seconds before try `tries + 1` after `tries` failed ones: base, 2·base, 4·base, … up to cap."""
    return float(min(cap, base * 2.0 ** max(0, tries - 1)))


def settle(store: Store, entry: Entry, outcome: Outcome, server: str, now: float, *, base: float = BASE,
           cap: float = CAP) -> None:
    """Record what sending `entry` (claimed by `server`, its try number entry.tries + 1) came to. A retry
    because the platform is down or busy (`whole`) holds back its other pending scores as long: a platform
    down is asked once per wait, not once per student."""
    db = store._db
    mine = (entry.id, server)
    with db.write("outbox:" + "\n".join(entry.key)):
        if outcome.kind != "sent" and _replaced(store, entry):  # a newer score came meanwhile: it goes instead
            db.execute("UPDATE outbox SET state = 'superseded', error = ?, claimed_by = '' WHERE id = ?"
                       " AND claimed_by = ?", (outcome.words, *mine))
        elif outcome.kind == "sent":
            db.execute("UPDATE outbox SET state = 'sent', sent_at = ?, error = '', claimed_by = ''"
                       " WHERE id = ? AND claimed_by = ?", (_now_text(), *mine))
        elif outcome.kind == "failed":
            db.execute("UPDATE outbox SET state = 'failed', error = ?, claimed_by = '' WHERE id = ? AND claimed_by = ?",
                       (outcome.words, *mine))
        else:
            wait = (min(outcome.after, LONGEST_RETRY_AFTER) if outcome.after is not None
                    else backoff(entry.tries + 1, base, cap))
            db.execute("UPDATE outbox SET state = 'pending', due_at = ?, error = ?, claimed_by = ''"
                       " WHERE id = ? AND claimed_by = ? AND state = 'sending'", (now + wait, outcome.words, *mine))
            if outcome.whole:
                db.execute("UPDATE outbox SET due_at = ? WHERE state = 'pending' AND token_url = ? AND due_at < ?",
                           (now + wait, entry.target.token_url, now + wait))


def reopen(store: Store, now: float) -> int:
    """At a server's start: every waiting score is due now (a restart is a fresh try), and on SQLite (one
    server) the rows it was sending when it was killed are waiting again. How many were brought forward."""
    db = store._db
    with db.write("outbox:claim"):
        if not store.shared:
            db.execute("UPDATE outbox SET state = 'pending', claimed_by = '', claimed_until = 0"
                       " WHERE state = 'sending'")
        return int(db.execute("UPDATE outbox SET due_at = ? WHERE state = 'pending' AND due_at > ?",
                              (now, now)).rowcount)


def waiting(store: Store) -> list[Entry]:
    """Rows not sent yet (pending, being sent) or refused (failed), oldest first: for the instructor page
    and `grader lti resend`."""
    rows = store._db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE state IN ('pending', 'sending', 'failed')"
                             " ORDER BY id").fetchall()
    return [_entry(r) for r in rows]


@dataclass(frozen=True)
class Overview:
    """The instructor page's section: scores sent, waiting to be sent, refused by the LMS."""
    sent: int
    waiting: list[Entry]  # pending or being sent, oldest first
    failed: list[Entry]

    @property
    def any(self) -> bool:
        return bool(self.sent or self.waiting or self.failed)


def overview(store: Store, only: Collection[tuple[str, str, str]] | None = None) -> Overview:
    """The scores sent, waiting and refused; with `only`, those of these (issuer, line item, user) alone:
    an LMS course's instructor sees their course's scores, never another course's."""
    rows = [e for e in waiting(store) if only is None or (e.target.platform_issuer, e.target.lineitem_url, e.user_id)
            in only]
    counted = store._db.execute("SELECT issuer, lineitem_url, user_id, COUNT(*) FROM outbox WHERE state = 'sent'"
                                " GROUP BY issuer, lineitem_url, user_id").fetchall()
    sent = sum(int(n) for issuer, item, user, n in counted if only is None or (issuer, item, user) in only)
    return Overview(sent, [e for e in rows if e.state != "failed"], [e for e in rows if e.state == "failed"])


@dataclass(frozen=True)
class Resent:
    pending: int  # rows waiting that are now due at once
    failed: int  # failed rows pending again
    superseded: int  # failed rows not sent again: a newer score of that user replaced them


def resend(store: Store, *, failed: bool = False, now: float | None = None) -> Resent:
    """Make every pending row due now (its backoff forgotten) and, with `failed`, every failed row that is
    still its user's newest score pending again; a running server sends them within POLL seconds."""
    at = time.time() if now is None else now
    db = store._db
    requeued = dropped = 0
    with db.write("outbox:claim"):
        due = int(db.execute("UPDATE outbox SET due_at = ?, tries = 0 WHERE state = 'pending'", (at,)).rowcount)
        if failed:
            for entry in map(_entry, db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE state = 'failed'"
                                                " ORDER BY id").fetchall()):
                if _replaced(store, entry):
                    db.execute("UPDATE outbox SET state = 'superseded' WHERE id = ?", (entry.id,))
                    dropped += 1
                else:
                    db.execute("UPDATE outbox SET state = 'pending', due_at = ?, tries = 0 WHERE id = ?",
                               (at, entry.id))
                    requeued += 1
    return Resent(due, requeued, dropped)


def _client() -> httpx.AsyncClient:
    import httpx  # lazy: enqueue (every graded answer) needs no HTTP client

    return httpx.AsyncClient(timeout=ags.TIMEOUT)


_log = logging.getLogger("grader.serve.lti")
SETTLE_TRIES = 5  # recording a sent score again after a deadlock: settle is the same whenever it runs
_running: dict[int, Sender] = {}  # id(store) → the sender of this process on it: enqueue wakes it


class Sender:
    """Sends the outbox's due rows of one store, as an asyncio task of the server's event loop (`start`,
    `stop`: the app's lifespan). Each server process runs one; they share the work through `claim`."""

    def __init__(self, store: Store, sign: Sign, *, poll: float = POLL, base: float = BASE, cap: float = CAP,
                 lease: float = LEASE, clock: Callable[[], float] = time.time,
                 client: Callable[[], httpx.AsyncClient] | None = None) -> None:
        self.store = store
        self.tokens = ags.Tokens(sign, clock)
        self.poll, self.base, self.cap, self.lease, self.clock = poll, base, cap, lease, clock
        self._client = client or _client
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self.sent = 0  # rows sent by this sender (for the log and the tests)

    def wake(self) -> None:
        """Look for due rows now (thread-safe: enqueue runs in a request's thread)."""
        if self._loop is not None and self._wake is not None:
            with suppress(RuntimeError):  # the loop has closed: nothing to wake
                self._loop.call_soon_threadsafe(self._wake.set)

    async def once(self, client: httpx.AsyncClient) -> int:
        """Claim up to BATCH due rows, send them together, record each outcome: how many were claimed."""
        server = self.store.server
        batch = await anyio.to_thread.run_sync(claim, self.store, server, self.clock(), BATCH, self.lease)

        async def one(entry: Entry) -> None:
            outcome = await ags.send(client, self.tokens, entry.target, entry.document)
            for attempt in range(SETTLE_TRIES):
                try:
                    await anyio.to_thread.run_sync(lambda: settle(self.store, entry, outcome, server, self.clock(),
                                                                  base=self.base, cap=self.cap))
                    break
                except Unavailable:  # a deadlock with another server's claim (PostgreSQL aborts one), or a blip
                    await asyncio.sleep(0.05 * 2 ** attempt)
            else:  # its lease lapses and another try sends it: late, never lost
                _log.warning("grader: could not record the outcome of score %s for the LMS; it is sent again "
                             "after %g s", entry.id, self.lease)
            self.sent += outcome.kind == "sent"

        await asyncio.gather(*(one(entry) for entry in batch))
        return len(batch)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        with suppress(Unavailable):  # the database is down: its rows wait for the loop below
            await anyio.to_thread.run_sync(reopen, self.store, self.clock())
        async with self._client() as client:
            while True:
                self._wake.clear()
                try:
                    if await self.once(client):
                        continue  # more may be due
                except Unavailable:  # the database is down: the rows wait there
                    pass
                except Exception:  # a bug must not end the sending for the server's life: said, and on we go
                    _log.exception("grader: sending scores to the LMS failed; trying again")
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)

    def start(self) -> asyncio.Task[None]:
        """Run in the current event loop until `stop`."""
        _running[id(self.store)] = self
        self._task = asyncio.get_running_loop().create_task(self.run(), name="grader-lti-outbox")
        return self._task

    async def stop(self) -> None:
        """End the task; a score in flight stays `sending` (reopened at the next start, or its lease lapses)."""
        if _running.get(id(self.store)) is self:
            del _running[id(self.store)]
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
