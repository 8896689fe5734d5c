"""Benchmark (not a test): grade a generated class with `grader grade`, with 1 and 2 jobs.

    python benchmarks/bench_batch.py                      # 10,000 students, --jobs 1 then 2
    python benchmarks/bench_batch.py --students 2000 --jobs 1 2 4

Prints, per run: wall time, the peak RSS of the largest single process (resource.getrusage of
children: the grader or one of its workers), and the peaks of the RSS and of the PSS summed over
the grader and all its workers (sampled from /proc every 100 ms, Linux only). Forked workers share
most of their pages with the grader: the RSS sum counts a shared page once per process, the PSS
sum splits it between them, so the PSS sum is the memory the run really takes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_class import generate


def _tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of `root` and its descendants, via /proc (0 elsewhere)."""
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                fields = dict(line.split(":", 1) for line in rollup.read().splitlines()[1:])
            rss += int(fields["Rss"].split()[0]) * 1024
            pss += int(fields["Pss"].split()[0]) * 1024
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                todo += [int(child) for child in children.read().split()]
        except (OSError, ValueError, IndexError, KeyError):
            continue  # it ended between two reads
    return rss, pss


def measure(folder: Path, out: Path, jobs: int) -> dict[str, float]:
    """Run one `grader grade` in a fresh process; its children's rusage is this run's alone."""
    command = [sys.executable, "-m", "grader", "grade", str(folder), "--out", str(out), "--jobs", str(jobs)]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss, pss = _tree_memory(process.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)  # sampling is cheap, but it shares the cores with the workers
    wall = time.perf_counter() - began
    largest_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
    return {"wall": wall, "exit": process.returncode, "largest_mb": largest_kb / 1024,
            "total_mb": peak_rss / 2**20, "pss_mb": peak_pss / 2**20}


def run_one(folder: Path, jobs: int) -> dict[str, float]:
    """`measure` in a fresh process, so that getrusage(RUSAGE_CHILDREN) covers that run only."""
    done = subprocess.run([sys.executable, __file__, "--one", str(jobs), "--folder", str(folder)],
                          capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one run, print JSON
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        with tempfile.TemporaryDirectory() as out:
            print(json.dumps(measure(args.folder, Path(out), args.one)))
        return
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "class"
        began = time.perf_counter()
        bad = generate(args.students, folder)
        print(f"generated {args.students} submissions ({bad} bad on purpose) in {time.perf_counter() - began:.1f} s")
        print(f"cores: {os.cpu_count()}; python {sys.version.split()[0]}")
        for jobs in args.jobs:
            r = run_one(folder, jobs)
            print(f"--jobs {jobs}: {r['wall']:.1f} s wall, exit {r['exit']:.0f}; peak RSS: largest process "
                  f"{r['largest_mb']:.0f} MB, grader + workers together {r['total_mb']:.0f} MB "
                  f"(PSS {r['pss_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
