"""`grader verify` of the bundled bank as an author's pre-commit hook runs it: cold, from its results'
cache, and after one sheet was edited; each a fresh process, medians, with the load average.

    python benchmarks/verify_speed.py                        # this checkout, 5 runs of each (~1 minute)
    python benchmarks/verify_speed.py --tree /tmp/old-grader # another checkout (PYTHONPATH); one without
                                                             # the cache or --jobs runs cold every time
    python benchmarks/verify_speed.py --runs 9 --out /tmp/verify.md

The bank (exercises/ and solutions/ of the tree) is copied into a temporary course folder, run there
with its own GRADER_CACHE_DIR. Figures:
- cold: GRADER_NO_CACHE=1, default jobs (the CPUs, at most 4), and `--jobs 1` where the tree has it;
- warm: nothing changed since the last run (the cache filled by an untimed run);
- one sheet edited: before each run the title of `smooth-activations` is changed (a new text each
  time), so that sheet and its worked solutions are checked again and the other files come from the
  cache; the largest sheet, with a randomised question (its solutions are checked per variant).
Every run's output is compared with the first cold run's (same stdout, same exit status; stderr's
last line but for the count of sheets): the cache must not change what is said. Not a test: on a
shared machine read the load average first.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EDITED = "smooth-activations.yaml"


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of the command, and what it said."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=HERE.parent, help="the checkout measured (default: this one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args()
    tree = args.tree.resolve()
    with tempfile.TemporaryDirectory() as work:
        course = Path(work) / "course"
        for folder in ("exercises", "solutions"):
            shutil.copytree(tree / folder, course / folder)
        env = {k: v for k, v in os.environ.items() if k not in ("GRADER_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
        env["PYTHONPATH"] = str(tree)
        env["GRADER_CACHE_DIR"] = str(Path(work) / "cache")
        verify = [sys.executable, "-m", "grader", "verify"]
        has_jobs = "--jobs" in run([*verify, "--help"], env, course)[2].stdout
        cold_env = {**env, "GRADER_NO_CACHE": "1"}
        cases = {"cold": (verify, cold_env)}
        if has_jobs:
            cases["cold, --jobs 1"] = ([*verify, "--jobs", "1"], cold_env)
        cases["warm (nothing changed)"] = (verify, env)
        cases["one sheet edited"] = (verify, env)
        sheet = course / "exercises" / EDITED
        original = sheet.read_text(encoding="utf-8")
        first = run(verify, cold_env, course)[2]  # untimed: bytecode written
        run(verify, env, course)  # untimed: the cache filled
        said = (first.returncode, first.stdout)
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        loads: list[float] = []
        differ = 0
        for round_ in range(args.runs):
            for name, (command, case_env) in cases.items():
                if name == "one sheet edited":
                    sheet.write_text(original.replace("\ntitle: ", f"\ntitle: (edit {round_}) ", 1), encoding="utf-8")
                loads.append(os.getloadavg()[0])
                wall, cpu, done = run(command, case_env, course)
                figures[name].append((wall, cpu))
                differ += (done.returncode, done.stdout) != said
                if name == "one sheet edited":
                    sheet.write_text(original, encoding="utf-8")
                    run(verify, env, course)  # untimed: back to the cache of the unedited bank
    lines = [f"tree: {tree}; {args.runs} runs of each, interleaved; load average (1 min) "
             f"{min(loads):.2f}–{max(loads):.2f}; outputs differing from a cold run's: {differ}", "",
             "| `grader verify` of the bundled bank | wall, median (min–max) | CPU, median |", "|---|---|---|"]
    for name, values in figures.items():
        walls = [w for w, _ in values]
        lines.append(f"| {name} | {statistics.median(walls):.2f} s ({min(walls):.2f}–{max(walls):.2f}) | "
                     f"{statistics.median(c for _, c in values):.2f} s |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
