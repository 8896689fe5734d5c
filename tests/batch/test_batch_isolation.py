"""One answer that hangs, crashes its worker, raises or eats memory becomes `error` for that answer
alone; every other answer is graded. The seam: `grade_paths(handler=...)` runs a handler of our own
in the workers, which misbehaves on marker answers and grades everything else normally."""

from __future__ import annotations

import dataclasses
import faulthandler
import os
import signal
import time
from pathlib import Path

import pytest

from grader.batch.grade import grade_paths
from grader.batch.model import Batch
from grader.batch.pool import Failure, WorkerPool
from grader.batch.worker import Graded, GradeTask, Task, handle
from grader.grading.grade import BUDGET
from grader.sheets.model import Sheet

RIGHT = "e^(-x)/(1+e^(-x))^2"


def hostile(sheet: Sheet, task: Task, seconds: float) -> Graded | bool:
    text = task.text if isinstance(task, GradeTask) else ""
    if text == "HANG":
        time.sleep(60)  # never returns by itself: only a kill stops it
    elif text == "SEGFAULT":
        faulthandler.disable()  # the crash is the test; pytest's dump of it would only be noise
        os.kill(os.getpid(), signal.SIGSEGV)
    elif text == "EXIT":
        os._exit(7)
    elif text == "HOG":
        bytearray(3 * 1024**3)  # fails under the worker's memory limit (and only because of it)
    elif text == "RAISE":
        raise KeyError("boom")
    elif text == "SLOW":  # what grading reports when its own time budget ran out
        graded = handle(sheet, GradeTask(task.address, RIGHT), seconds)
        assert isinstance(graded, Graded)
        return Graded(dataclasses.replace(graded.result, status="invalid", decided_by=BUDGET), None)
    return handle(sheet, task, seconds)


def _class(folder: Path, markers: list[str]) -> None:
    for i, marker in enumerate(markers):
        answers = f"  sigmoid.a: {marker}\n  tanh.a: sech(x)^2\n"
        (folder / f"s{i}.yaml").write_text(f"student: s{i}-{marker.lower()}\nanswers:\n{answers}")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("class")
    _class(folder, ["HANG", "SEGFAULT", "EXIT", "HOG", "RAISE", "SLOW", RIGHT])
    return grade_paths([str(folder)], jobs=2, timeout=0.3, memory_mb=64, handler=hostile)


def _answer(batch: Batch, student: str, address: str = "sigmoid.a") -> tuple[str, str]:
    row = next(r for r in batch.rows if r.student == student)
    answer = next(a for a in row.answers if a.address == address)
    return answer.status, answer.error


@pytest.mark.system  # the batch fixture's two worker processes: hung, crashed, out of memory, killed, replaced
@pytest.mark.parametrize(
    ("student", "words"),
    [
        ("s0-hang", "still running after"),
        ("s1-segfault", "killed by SIGSEGV"),
        ("s2-exit", "exited with status 7"),
        ("s3-hog", "more than the 64 MB a worker may use"),
        ("s4-raise", "grading raised KeyError"),
        ("s5-slow", "checking it took too long"),
    ],
)
def test_a_misbehaving_answer_is_an_error_for_that_answer_alone(batch: Batch, student: str, words: str) -> None:
    status, error = _answer(batch, student)
    assert status == "error"
    assert words in error
    assert _answer(batch, student, "tanh.a")[0] == "correct"  # the same student's other answers are graded


@pytest.mark.system  # the batch fixture's two worker processes: hung, crashed, out of memory, killed, replaced
def test_everyone_else_is_graded(batch: Batch) -> None:
    assert _answer(batch, "s6-" + RIGHT.lower())[0] == "correct"
    assert all(r.readable for r in batch.rows)
    assert batch.summaries[0].counts["error"] == 6
    assert next(r for r in batch.rows if r.student == "s0-hang").status.startswith("grading error: sigmoid.a;")


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_each_distinct_answer_is_graded_once(tmp_path: Path) -> None:
    log = tmp_path / "tasks.log"

    def counting(sheet: Sheet, task: Task, seconds: float) -> Graded | bool:
        with open(log, "a") as handle_:  # O_APPEND: lines from forked workers never interleave
            handle_.write(repr(task) + "\n")
        return handle(sheet, task, seconds)

    folder = tmp_path / "class"
    folder.mkdir()
    for i in range(6):
        (folder / f"s{i}.yaml").write_text(f"answers:\n  sigmoid.a: {RIGHT}\n  tanh.a: '{'1' if i % 2 else '2'}'\n")
    batch = grade_paths([str(folder)], jobs=2, handler=counting)
    grades = [line for line in log.read_text().splitlines() if line.startswith("GradeTask")]
    assert sorted(grades) == sorted({*grades})
    assert len(grades) == batch.distinct_answers == 3


# --- the pool on its own -------------------------------------------------------------------------


def _double(n: int) -> int:
    if n == 3:
        os._exit(1)
    return 2 * n


@pytest.mark.system  # starts two worker processes; one dies and is replaced
def test_pool_keeps_task_order_and_replaces_a_dead_worker() -> None:
    with WorkerPool(_double, jobs=2, deadline=5.0, memory_mb=512) as pool:
        results = pool.run([1, 2, 3, 4, 5])
        assert results[:2] == [2, 4] and results[3:] == [8, 10]
        assert isinstance(results[2], Failure) and results[2].kind == "crash"
        assert pool.replaced == 1
        assert pool.run([6]) == [12]  # the pool is usable again


@pytest.mark.system  # starts the pool's worker processes
def test_pool_with_more_workers_than_tasks() -> None:
    done: list[int] = []
    with WorkerPool(_double, jobs=8, deadline=5.0, memory_mb=512) as pool:
        assert pool.run([1], done.append) == [2]
        assert pool.run([]) == []
    assert done == [0]  # the index of each finished task


def test_pool_refuses_zero_jobs() -> None:
    with pytest.raises(ValueError):
        WorkerPool(_double, jobs=0, deadline=1.0, memory_mb=512)


def _nothing(n: int) -> None:
    return None


@pytest.mark.system  # starts the pool's worker processes
def test_pool_passes_none_through_as_a_result() -> None:
    with WorkerPool(_nothing, jobs=2, deadline=5.0, memory_mb=512) as pool:
        assert pool.run([1, 2, 3]) == [None, None, None]
