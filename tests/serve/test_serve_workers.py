"""The server's grading workers: a job past its deadline is killed and its worker replaced."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from grader.serve import work
from grader.serve.workers import Workers
from grader.sheets.bundled import resolve


@pytest.fixture(scope="module")
def pool() -> Iterator[Workers]:
    workers = Workers(jobs=1)
    yield workers
    workers.close()


@pytest.mark.system  # the module's worker process (the pool fixture): killed at its deadline, replaced
def test_a_job_past_its_deadline_is_killed_and_the_next_one_runs(pool: Workers) -> None:
    began = time.monotonic()
    stalled = pool.run(time.sleep, 30, deadline=0.5)
    assert stalled.failure == "timeout"
    assert time.monotonic() - began < 5
    path = str(resolve("activation-derivatives"))
    after = pool.run(work.grade_answer, path, 0, "sigmoid.a", "e^(-x)/(1+e^(-x))^2", 3.0, deadline=10)
    assert after.failure is None and after.value["status"] == "correct"


@pytest.mark.system  # the module's worker process (the pool fixture): killed at its deadline, replaced
def test_a_worker_that_dies_is_replaced(pool: Workers) -> None:
    assert pool.run(os._exit, 3, deadline=5).failure == "crash"
    assert pool.run(abs, -2, deadline=5).value == 2


@pytest.mark.system  # runs the job in the module's worker process (the pool fixture)
def test_an_exception_in_a_job_is_reported_by_name(pool: Workers) -> None:
    done = pool.run(int, "not a number", deadline=5)
    assert done.failure == "error" and done.detail == "ValueError"


@pytest.mark.system  # grades in the module's worker process (the pool fixture)
def test_grading_within_the_budget_says_invalid_when_time_runs_out(pool: Workers) -> None:
    path = str(resolve("activation-derivatives"))
    done = pool.run(work.grade_answer, path, 0, "sigmoid.a", "e^(-x)/(1+e^(-x))^2", 0.000001, deadline=10)
    assert done.value["status"] == "invalid" and "took longer than" in done.value["feedback"]


@pytest.mark.system  # starts two worker processes, one stalled
def test_a_stalled_job_does_not_stall_the_other_worker() -> None:
    import threading

    workers = Workers(jobs=2)
    try:
        stalled = threading.Thread(target=workers.run, args=(time.sleep, 20), kwargs={"deadline": 1.5})
        stalled.start()
        time.sleep(0.2)
        began = time.monotonic()
        assert workers.run(abs, -3, deadline=5).value == 3
        assert time.monotonic() - began < 1  # answered while the other worker is still stuck
        stalled.join()
    finally:
        workers.close()


@pytest.mark.system  # the order in which waiting jobs get the module's worker process
def test_a_waiting_grade_gets_the_next_free_worker_before_a_waiting_preview(pool: Workers) -> None:
    import threading

    ran: dict[str, float] = {}

    def job(name: str, urgent: bool) -> None:
        ran[name] = pool.run(time.monotonic, deadline=5, urgent=urgent).value

    busy = threading.Thread(target=pool.run, args=(time.sleep, 3), kwargs={"deadline": 10})  # outlasts the waits below
    busy.start()
    time.sleep(0.3)  # the only worker is busy
    waiting = [threading.Thread(target=job, args=(f"preview {n}", False)) for n in range(3)]
    waiting.append(threading.Thread(target=job, args=("grade", True)))
    for thread in waiting:  # the previews ask first
        thread.start()
        time.sleep(0.2)
    for thread in [busy, *waiting]:
        thread.join()
    assert min(ran, key=ran.__getitem__) == "grade"


@pytest.mark.system  # starts a worker process and runs 61 jobs in it
def test_each_waiting_job_is_woken_once_not_at_every_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 300 students the jobs waiting for a worker were all woken at every change, each scanning the
    queue to ask whether it was next: quadratic work under the lock the event loop takes to read `used`
    and `waiting`, which stood the server still for seconds. Now a free worker goes to the one job picked."""
    import threading

    from grader.serve import workers as module

    pool = Workers(jobs=1)
    scans = 0
    real = module.Workers._next

    def counted(self: Workers, now: float) -> object:
        nonlocal scans
        scans += 1
        return real(self, now)

    monkeypatch.setattr(module.Workers, "_next", counted)
    try:
        busy = threading.Thread(target=pool.run, args=(time.sleep, 1.0), kwargs={"deadline": 10})
        busy.start()
        time.sleep(0.3)
        jobs = 60
        done: list[int] = []
        threads = [threading.Thread(target=lambda n=n: done.append(pool.run(abs, -n, deadline=10, owner=n).value))
                   for n in range(jobs)]
        for thread in threads:
            thread.start()
        for thread in [busy, *threads]:
            thread.join()
        assert sorted(done) == list(range(jobs))
        assert scans <= 4 * jobs, scans  # about three per job (asked, given a worker, done); was ~jobs² / 2
    finally:
        pool.close()


@pytest.mark.system  # starts the plots' worker process and asks its niceness
def test_the_plot_workers_yield_the_cpu_to_the_grades() -> None:
    """A plot takes ten times a grade's CPU: its worker runs at nice 10, so busy cores go to the grades."""
    from grader.serve import app

    drawing = app.plot_workers()
    try:
        assert drawing.run(os.nice, 0, deadline=10).value == min(os.nice(0) + 10, 19)  # 19: the most there is
    finally:
        drawing.close()


def test_a_worker_whose_server_is_gone_ends_quietly() -> None:
    """After a kill -9 of the server, its workers found nobody to answer and wrote a traceback in its log."""
    import multiprocessing

    from grader.serve import workers

    server, worker = multiprocessing.Pipe()
    server.send((abs, (-1,)))
    server.close()
    workers._serve(worker, 0)  # returns: no BrokenPipeError
