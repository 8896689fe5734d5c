"""Per-answer grading latency, in process: each distinct answer of the generated class graded once.

Uncached means nothing learnt from earlier answers helps: before each answer every cache is
emptied (sympy's and the grader's, `grader.core.caches.clear`), then the part is prepared, untimed, as
a grading process does once per part (`grader.grading.grade.prepare`: the reference and the known
mistakes compiled and evaluated at the first sample points, the part's own answer graded). Only
then is the answer graded, timed. Warm: the same answers, in turn, in a process that keeps its
caches (a `grader grade` worker, a practice session). In both, what exists before the answer is
frozen for the cyclic GC (gc.freeze), as in a `grader grade` worker.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import statistics
import time
from dataclasses import dataclass

from grader.core import caches
from grader.grading.grade import grade, prepare
from grader.grading.results import Result
from grader.sheets.model import Sheet


@dataclass(frozen=True)
class Timing:
    address: str
    text: str
    label: str
    seconds: float  # wall time
    cpu: float  # CPU time of this process: what the speed-up uses, less disturbed by other load
    status: str
    decided_by: str
    result: Result  # with seconds set to 0, to compare runs


def part_warm_up(sheet: Sheet, address: str) -> None:
    """What a grading process does once per part (grader.grading.grade.prepare)."""
    prepare(sheet, address)


def measure(sheet: Sheet, answers: dict[tuple[str, str], str], *, uncached: bool = True,
            pretty: bool = True) -> list[Timing]:
    """Grade every (address, text) once, in order; `answers` maps each to its label. `pretty=False`
    grades as batch workers and the class server do (no pretty print of the answer, which they never show)."""
    options = {} if pretty else {"pretty": False}
    caches.clear()  # both modes start from the same state: no answer seen yet
    for address in dict.fromkeys(address for address, _ in answers):
        part_warm_up(sheet, address)
    gc.freeze()  # as `grader grade` does before forking its workers
    out: list[Timing] = []
    for (address, text), label in answers.items():
        if uncached:
            caches.clear()
            part_warm_up(sheet, address)
            gc.freeze()
        began, began_cpu = time.perf_counter(), time.process_time()
        result = grade(sheet, address, text, **options)
        seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
        out.append(Timing(address, text, label, seconds, cpu, result.status, result.decided_by,
                          dataclasses.replace(result, seconds=0.0)))
    return out


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(timings: list[Timing]) -> dict[str, float]:
    seconds = [t.seconds for t in timings]
    if not seconds:
        return {"n": 0, "p50": math.nan, "p99": math.nan, "max": math.nan, "mean": math.nan}
    return {"n": len(seconds), "p50": percentile(seconds, 50), "p99": percentile(seconds, 99),
            "max": max(seconds), "mean": statistics.fmean(seconds)}
