"""The outbox of scores to an LMS (store migration 7), on SQLite and PostgreSQL: only a user's newest score
goes out and never one older than one sent; rows are claimed by one server at a time; an LMS that is
down, erring or asking to wait is tried again (its Retry-After honoured) until the scores arrive, in
order, none lost; a refused score is failed with the LMS's words, shown to the instructor, and sent again
by `resend`."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fake_ags import CLIENT_ID, ISSUER, TOKEN_URL, Platform, lineitem_url, signer, tool_key

from grader.serve.lti import outbox
from grader.serve.lti.ags import Outcome, ScoreTarget
from grader.serve.store import Store

T0 = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
TARGET = ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, lineitem_url(1))


@pytest.fixture(scope="module")
def key() -> Any:
    return tool_key()


@pytest.fixture
def store(class_db: str) -> Iterator[Store]:
    opened = Store(class_db)
    yield opened
    opened.close()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def states(store: Store) -> list[tuple[str, float, str]]:
    rows = store._db.execute("SELECT user_id, score_given, state FROM outbox ORDER BY id").fetchall()
    return [(str(r[0]), float(r[1]), str(r[2])) for r in rows]


class Clock:
    def __init__(self) -> None:
        self.now = time.time() + 1  # after what the test enqueues (at real time)

    def __call__(self) -> float:
        return self.now


def sender(store: Store, key: Any, platform: Platform, clock: Callable[[], float] = time.time, **kw: Any
           ) -> outbox.Sender:
    return outbox.Sender(store, signer(key), clock=clock,
                         client=lambda: httpx.AsyncClient(transport=platform.transport()), **kw)


def once(s: outbox.Sender, platform: Platform) -> int:
    async def go() -> int:
        async with httpx.AsyncClient(transport=platform.transport()) as client:
            return await s.once(client)

    return asyncio.run(go())


# --- what is kept -------------------------------------------------------------------------------------

def test_a_newer_score_replaces_the_users_pending_one_and_an_older_one_is_never_queued(store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    outbox.enqueue(store, TARGET, "u2", 5, 10, at(1))
    outbox.enqueue(store, TARGET, "u1", 2, 10, at(2))
    outbox.enqueue(store, TARGET, "u1", 1.5, 10, at(1.5))  # graded earlier, queued late: older than the pending
    assert states(store) == [("u1", 1, "superseded"), ("u2", 5, "pending"), ("u1", 2, "pending"),
                             ("u1", 1.5, "superseded")]
    other = ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, lineitem_url(2))  # another sheet: its own score
    outbox.enqueue(store, other, "u1", 9, 10, at(0))
    assert states(store)[-1] == ("u1", 9, "pending")


def test_a_score_older_than_one_sent_is_never_sent(store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 3, 10, at(3))
    entry, = outbox.claim(store, "s1", time.time())
    outbox.settle(store, entry, Outcome("sent"), "s1", time.time())
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    assert states(store) == [("u1", 3, "sent"), ("u1", 1, "superseded")]
    assert outbox.claim(store, "s1", time.time() + 1) == []


def test_a_users_next_score_waits_while_one_is_being_sent_then_goes(store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    first, = outbox.claim(store, "s1", time.time())
    outbox.enqueue(store, TARGET, "u1", 2, 10, at(2))  # the one in flight is not replaced under the sender
    assert states(store) == [("u1", 1, "sending"), ("u1", 2, "pending")]
    assert outbox.claim(store, "s2", time.time()) == []
    outbox.settle(store, first, Outcome("sent"), "s1", time.time())
    second, = outbox.claim(store, "s2", time.time())
    assert second.score_given == 2


def test_a_killed_servers_claim_lapses_and_a_newer_score_goes_instead(store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    outbox.enqueue(store, TARGET, "u2", 4, 10, at(1))
    now = time.time()
    assert len(outbox.claim(store, "killed", now, lease=60)) == 2
    outbox.enqueue(store, TARGET, "u1", 2, 10, at(2))
    assert outbox.claim(store, "s2", now + 30) == []
    taken = outbox.claim(store, "s2", now + 61)  # u1's lapsed claim is older than its pending score
    assert sorted((e.user_id, e.score_given) for e in taken) == [("u1", 2), ("u2", 4)]
    assert states(store)[0] == ("u1", 1, "superseded")
    outbox.settle(store, taken[0], Outcome("sent"), "killed", now + 62)  # the killed one's word counts no more
    assert states(store)[1][2] == "sending"


def test_two_servers_claiming_at_once_take_each_row_once(class_db: str) -> None:
    stores = [Store(class_db), Store(class_db)]
    for i in range(60):
        outbox.enqueue(stores[0], TARGET, f"u{i}", i, 100, at(i))
    got: list[list[outbox.Entry]] = [[], []]
    now = time.time()

    def take(n: int) -> None:
        while batch := outbox.claim(stores[n], f"s{n}", now, limit=3):
            got[n].extend(batch)

    threads = [threading.Thread(target=take, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [e.id for e in got[0] + got[1]]
    assert len(ids) == 60 and len(set(ids)) == 60
    for s in stores:
        s.close()


def test_a_retry_waits_twice_as_long_each_time_up_to_the_cap_and_holds_back_the_platforms_other_scores(
        store: Store) -> None:
    assert [outbox.backoff(n, 2, 60) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    now = time.time()
    entry, = outbox.claim(store, "s1", now)
    outbox.enqueue(store, TARGET, "u2", 1, 10, at(1))
    elsewhere = ScoreTarget("https://other.example.edu", "c", "https://other.example.edu/token", lineitem_url(1))
    outbox.enqueue(store, elsewhere, "u3", 1, 10, at(1))
    outbox.settle(store, entry, Outcome("retry", "cannot reach", whole=True), "s1", now, base=2, cap=60)
    due = {str(r[0]): float(r[1]) for r in store._db.execute("SELECT user_id, due_at FROM outbox").fetchall()}
    assert due["u1"] == pytest.approx(now + 2, abs=1e-3) and due["u2"] == pytest.approx(now + 2, abs=1e-3)
    assert due["u3"] < now + 1  # another platform's: not held back
    assert [e.user_id for e in outbox.claim(store, "s1", now + 1)] == ["u3"]
    again, = [e for e in outbox.claim(store, "s1", now + 2) if e.user_id == "u1"]
    assert again.tries == 1
    outbox.settle(store, again, Outcome("retry", "HTTP 500"), "s1", now + 2, base=2, cap=60)  # this score's
    assert float(store._db.execute("SELECT due_at FROM outbox WHERE user_id = 'u1'").fetchone()[0]) == \
        pytest.approx(now + 2 + 4, abs=1e-3)
    assert float(store._db.execute("SELECT due_at FROM outbox WHERE user_id = 'u2'").fetchone()[0]) == \
        pytest.approx(now + 2, abs=1e-3)  # a 500 for one score holds back no other


def test_scores_failing_again_and_again_never_hold_up_the_others(store: Store, key: Any) -> None:
    clock = Clock()
    platform = Platform({"keys": [key.as_dict(private=False)]}, broken={"1"}, clock=clock)
    s = sender(store, key, platform, clock, base=1, cap=1)
    for n in range(outbox.BATCH + 2):  # more broken rows than one claim takes
        outbox.enqueue(store, TARGET, f"b{n}", 1, 10, at(1))
    good = ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, lineitem_url(2))
    for _ in range(3):
        once(s, platform)
        outbox.enqueue(store, good, f"g{_}", 1, 10, at(1))
        clock.now += 1
    for _ in range(3):
        once(s, platform)
        clock.now += 1
    assert sorted(d["userId"] for _, d in platform.scores) == ["g0", "g1", "g2"]
    tries = [int(r[1]) for r in store._db.execute("SELECT user_id, tries FROM outbox").fetchall() if r[0][0] == "b"]
    assert min(tries) >= 2  # every broken row is tried too, none left behind the first BATCH


# --- the sender against the fake LMS --------------------------------------------------------------------

def test_a_429_is_tried_again_after_its_retry_after_and_not_before(store: Store, key: Any) -> None:
    clock = Clock()
    platform = Platform({"keys": [key.as_dict(private=False)]}, mode="429", retry_after="120", clock=clock)
    s = sender(store, key, platform, clock)
    outbox.enqueue(store, TARGET, "u1", 6, 10, at(1))
    assert once(s, platform) == 1
    entry, = outbox.waiting(store)
    assert entry.state == "pending" and "HTTP 429: rate_limited" in entry.error
    assert entry.due_at == pytest.approx(clock.now + 120, abs=1e-3)
    platform.mode = "up"
    clock.now += 119
    assert once(s, platform) == 0 and platform.scores == []
    clock.now += 1
    assert once(s, platform) == 1
    assert [d["scoreGiven"] for _, d in platform.scores] == [6] and outbox.waiting(store) == []


def test_a_score_the_lms_refuses_is_failed_with_its_words_and_resend_sends_it_once_fixed(
        store: Store, key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]}, refuse={"u2"})
    s = sender(store, key, platform)
    outbox.enqueue(store, TARGET, "u1", 6, 10, at(1))
    outbox.enqueue(store, TARGET, "u2", 7, 10, at(1))
    assert once(s, platform) == 2
    failed, = outbox.overview(store).failed
    assert (failed.user_id, failed.error) == ("u2", "score: HTTP 400: user_not_found: user u2 is not in this course")
    assert once(s, platform) == 0  # not tried again by itself: sending the same would not help
    platform.refuse = set()  # the instructor enrols u2 in the LMS course
    assert outbox.resend(store) == outbox.Resent(0, 0, 0)
    assert outbox.resend(store, failed=True) == outbox.Resent(0, 1, 0)
    assert once(s, platform) == 1
    assert sorted(d["userId"] for _, d in platform.scores) == ["u1", "u2"]
    assert outbox.overview(store) == outbox.Overview(2, [], [])


def test_resend_of_a_failed_score_a_newer_one_replaced_sends_only_the_newer(store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    entry, = outbox.claim(store, "s1", time.time())
    outbox.settle(store, entry, Outcome("failed", "HTTP 400"), "s1", time.time())
    outbox.enqueue(store, TARGET, "u1", 2, 10, at(2))
    assert states(store) == [("u1", 1, "superseded"), ("u1", 2, "pending")]
    outbox.enqueue(store, TARGET, "u1", 3, 10, at(3))
    newest = outbox.claim(store, "s1", time.time())[0]
    outbox.settle(store, newest, Outcome("failed", "HTTP 400"), "s1", time.time())
    assert outbox.resend(store, failed=True) == outbox.Resent(0, 1, 0)
    assert states(store)[-1] == ("u1", 3, "pending")


def test_resend_makes_waiting_scores_due_now(store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    now = time.time()
    entry, = outbox.claim(store, "s1", now)
    outbox.settle(store, entry, Outcome("retry", "HTTP 503", after=3600), "s1", now)
    assert outbox.claim(store, "s1", now + 10) == []
    assert outbox.resend(store, now=now + 10) == outbox.Resent(1, 0, 0)
    assert [e.score_given for e in outbox.claim(store, "s1", now + 10)] == [1]


def test_a_restarted_server_tries_the_waiting_scores_at_once_and_on_sqlite_those_it_was_sending(
        store: Store) -> None:
    outbox.enqueue(store, TARGET, "u1", 1, 10, at(1))
    outbox.enqueue(store, TARGET, "u2", 1, 10, at(1))
    now = time.time()
    _, second = outbox.claim(store, "killed", now)
    outbox.settle(store, second, Outcome("retry", "HTTP 503", after=3600), "killed", now)
    assert outbox.reopen(store, now + 1) == 1  # u2, brought forward
    assert [e.user_id for e in outbox.claim(store, "s2", now + 1)] == ([] if store.shared else ["u1"]) + ["u2"]


def test_an_outage_of_the_lms_delays_the_scores_which_then_arrive_in_order_none_lost(
        store: Store, key: Any, class_db: str) -> None:
    """Down (no connection), then 5xx, then up: every user's final score arrives; each user's scores
    arrive in the order they were graded (never an older after a newer); with two servers on PostgreSQL,
    none twice."""
    platform = Platform({"keys": [key.as_dict(private=False)]}, mode="down")
    users, per_user = 6, 12
    extra = [Store(class_db)] if store.shared else []  # SQLite: one server
    figures: dict[str, Any] = {}

    async def go() -> None:
        senders = [sender(s, key, platform, poll=0.05, base=0.05, cap=0.4) for s in (store, *extra)]
        for s in senders:
            s.start()
        began = time.monotonic()
        final: dict[str, float] = {}
        for n in range(per_user):
            if n == per_user // 2:
                platform.mode = "5xx"
            for u in range(users):
                final[f"u{u}"] = n + u / 10
                await asyncio.to_thread(outbox.enqueue, store, TARGET, f"u{u}", final[f"u{u}"], 100, at(n + u / 100))
            await asyncio.sleep(0.15)
        figures["down_seconds"] = round(time.monotonic() - began, 2)
        assert platform.scores == []
        platform.mode = "up"
        for u in range(users):  # and the class goes on answering while the backlog is sent
            final[f"u{u}"] = per_user + u / 10
            await asyncio.to_thread(outbox.enqueue, store, TARGET, f"u{u}", final[f"u{u}"], 100, at(per_user + u))
        for _ in range(400):
            if all((platform.last(u) or {}).get("scoreGiven") == g for u, g in final.items()):
                break
            await asyncio.sleep(0.05)
        figures["all_arrived_after_up"] = round(time.monotonic() - began - figures["down_seconds"], 2)
        for s in senders:
            await s.stop()
        assert {u: (platform.last(u) or {}).get("scoreGiven") for u in final} == final

    asyncio.run(go())
    for u in (f"u{u}" for u in range(users)):
        theirs = [d["timestamp"] for _, d in platform.scores if d["userId"] == u]
        assert theirs == sorted(theirs) and len(set(theirs)) == len(theirs), u  # in order, none twice
    assert outbox.overview(store).waiting == [] and outbox.overview(store).failed == []
    tries = int(store._db.execute("SELECT SUM(tries) FROM outbox").fetchone()[0])
    figures.update(enqueued=users * (per_user + 1), tries=tries, received=len(platform.scores),
                   servers=1 + len(extra))
    print("outage figures:", figures)
    for s in extra:
        s.close()


def test_a_class_copied_to_postgresql_keeps_its_scores_waiting_for_the_lms(tmp_path: Any, pg_url: str) -> None:
    from grader.serve import operate

    source = Store(tmp_path / "class.sqlite")
    outbox.enqueue(source, TARGET, "u1", 1, 10, at(1))
    outbox.enqueue(source, TARGET, "u1", 2, 10, at(2))
    source.close()
    assert operate.copy(tmp_path / "class.sqlite", pg_url).counts["outbox"] == 2
    target = Store(pg_url)
    assert [(e.user_id, e.score_given) for e in outbox.waiting(target)] == [("u1", 2)]
    outbox.enqueue(target, TARGET, "u2", 5, 10, at(3))  # ids go on after the copied ones
    assert states(target) == [("u1", 1, "superseded"), ("u1", 2, "pending"), ("u2", 5, "pending")]
    target.close()


def test_a_sent_score_whose_outcome_cannot_be_recorded_at_once_is_recorded_on_a_later_try(
        store: Store, key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL aborts one of two deadlocked transactions (another server's claim): the score was sent,
    and its row must not stay `sending` for the lease's 60 s, holding back that student's newer scores."""
    from grader.serve.database import Unavailable

    platform = Platform({"keys": [key.as_dict(private=False)]})
    real, calls = outbox.settle, []

    def flaky(*args: Any, **kw: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise Unavailable("deadlock detected")
        real(*args, **kw)

    monkeypatch.setattr(outbox, "settle", flaky)
    outbox.enqueue(store, TARGET, "u1", 6, 10, at(1))
    assert once(sender(store, key, platform), platform) == 1
    assert outbox.overview(store) == outbox.Overview(1, [], []) and len(calls) == 2
