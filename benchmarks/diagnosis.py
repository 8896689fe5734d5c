"""What the automatic diagnosis finds, and what it costs (issue 28). Not a test: figures to read.

    python benchmarks/diagnosis.py [--students 2000]

1. Rediscovery: every bundled sheet's expression parts with written `mistakes:`, graded with those
   mistakes removed: the share of the written mistakes' answers the diagnosis names by itself.
2. The benchmark class (generate_class.py): the share of its distinct wrong answers that get a
   diagnosis, and of those that had no written mistake to match.
3. Cost: building each derivative part's library (once per part), and matching one wrong answer
   (grading with the library built, against grading the same answer with diagnosis off).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate_class import distinct_answers

from grader import sheets
from grader.core import caches
from grader.grading import diagnosis
from grader.grading.grade import grade, prepare
from grader.sheets import variants
from grader.sheets.model import Sheet

BUNDLED = ("activation-derivatives", "backprop", "smooth-activations", "piecewise-activations")


def without_mistakes(sheet: Sheet, address: str) -> Sheet:
    part = dataclasses.replace(sheet.part(address), mistakes=())
    questions = tuple(dataclasses.replace(q, parts=tuple(part if p.address == address else p for p in q.parts))
                      for q in sheet.questions)
    return variants.scoped(dataclasses.replace(sheet, questions=questions), address)


def rediscovery() -> None:
    found = total = kinks = 0
    for sid in BUNDLED:
        sheet = sheets.load(sid)
        for address, part in sheet.parts.items():
            if part.kind != "expression" or not part.mistakes:
                continue
            bare = without_mistakes(sheet, address)
            for m in part.mistakes:
                result = grade(bare, address, m.answer.text)  # type: ignore[union-attr]
                total += 1
                found += result.decided_by == "diagnosis"
                kinks += result.decided_by == "kink"
    print(f"rediscovered: {found} of {total} written mistakes ({found / total:.0%}); "
          f"{kinks} of the others are values at a kink, no broken rule ({found / (total - kinks):.0%} without them)")


def benchmark_class(students: int) -> None:
    sheet = sheets.load("activation-derivatives")
    wrong = diagnosed = unwritten = unwritten_diagnosed = 0
    for (address, text), label in distinct_answers(students).items():
        if label != "incorrect":
            continue
        result = grade(variants.scoped(sheet, address), address, text)
        if result.status != "incorrect":
            continue
        wrong += 1
        diagnosed += result.decided_by == "diagnosis"
        if result.decided_by != "mistake":
            unwritten += 1
            unwritten_diagnosed += result.decided_by == "diagnosis"
    print(f"benchmark class ({students} students): {diagnosed} of {wrong} distinct wrong answers diagnosed "
          f"({diagnosed / wrong:.0%}); of the {unwritten} no written mistake matched, {unwritten_diagnosed} "
          f"({unwritten_diagnosed / max(unwritten, 1):.0%})")


def cost() -> None:
    builds: list[float] = []
    for sid in BUNDLED:
        sheet = sheets.load(sid)
        for address in sheet.parts:
            scoped = variants.scoped(sheet, address)
            caches.clear()
            began = time.perf_counter()
            lib = diagnosis.library(scoped, scoped.part(address), seconds=30)
            if lib is not None:
                builds.append(time.perf_counter() - began)
    print(f"building a part's library: {len(builds)} derivative parts, median {statistics.median(builds) * 1e3:.1f} "
          f"ms, max {max(builds) * 1e3:.0f} ms (once per part)")
    sheet = bare = without_mistakes(sheets.load("smooth-activations"), "silu.a")
    answers = ["sigma(x) + sigma(x)*(1 - sigma(x))", "x*sigma(x)*(1 - sigma(x))", "sigma(x)^2 + x", "e^x*x"]
    prepare(bare, "silu.a")
    with_diagnosis = _times(sheet, answers)
    built = dict(diagnosis._built)
    diagnosis._built.clear()
    original, diagnosis.diagnose = diagnosis.diagnose, lambda *a, **k: None  # type: ignore[assignment]
    import grader.grading.grade as grading

    grading.diagnose = diagnosis.diagnose
    try:
        without = _times(sheet, answers)
    finally:
        diagnosis.diagnose = grading.diagnose = original  # type: ignore[assignment]
        diagnosis._built.update(built)
    print(f"one wrong answer, warm, median of 20: {statistics.median(with_diagnosis) * 1e3:.2f} ms with the "
          f"diagnosis, {statistics.median(without) * 1e3:.2f} ms without")


def _times(sheet: Sheet, answers: list[str]) -> list[float]:
    out = []
    for _ in range(5):
        for text in answers:
            began = time.perf_counter()
            grade(sheet, "silu.a", text)
            out.append(time.perf_counter() - began)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    rediscovery()
    benchmark_class(args.students)
    cost()


if __name__ == "__main__":
    main()
