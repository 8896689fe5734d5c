"""Before and after on one machine in one run: an older checkout of the grader against this one,
interleaved (A, B, A, B, ...) so that both see the same load, with the load average beside each figure.

    git worktree add --detach /tmp/old-grader <commit>          # the "before" (never `git stash`)
    python benchmarks/ab.py /tmp/old-grader                      # ~4 minutes; Markdown on stdout
    python benchmarks/ab.py /tmp/old-grader --rounds 1 --runs 5 --students 2000   # quicker, noisier

Each figure runs in a fresh process with PYTHONPATH pointing at the tree measured; the benchmark code
is this checkout's (benchmarks/latency.py, generate_class.py). Figures:
- per answer, uncached and warm (latency.py), p50 / p99, on every distinct non-hostile answer of the
  class; and uncached as batch workers and the class server grade (`pretty=False`) where the tree has it;
- the grader's CPU time on the answers the naive baseline can grade (naive.py), uncached: the naive
  baseline's own time does not depend on the grader, so it is measured once and both ratios use it;
- `python -m grader check sigmoid.a 'σ(x)^2'` (a wrong answer) and `... 'σ(x)(1-σ(x))'` (a right one),
  sheet cache warm, against `python -c 'import sympy'`: medians of `--runs`;
- `python -m grader verify` of the bundled bank (its course folder), median of 3: cold (GRADER_NO_CACHE=1)
  and warm (its results' cache filled by an untimed run; a tree without that cache runs cold again).
  benchmarks/verify_speed.py has more verify figures (one sheet edited, one job).
Nothing here is a test: on a shared machine read the load average first.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKS = {"wrong": ("sigmoid.a", "σ(x)^2"), "right": ("sigmoid.a", "σ(x)(1-σ(x))")}


def child(students: int) -> None:
    """In a process whose PYTHONPATH is the tree measured: the latency figures, as one JSON line."""
    sys.path.insert(0, str(HERE))
    import latency
    import naive
    from generate_class import distinct_answers

    from grader import sheets

    sheet = sheets.load(None)
    normal = {key: label for key, label in distinct_answers(students).items() if label != "hostile"}
    out: dict[str, float] = {}
    cold = latency.measure(sheet, normal)
    runs = [("uncached", cold), ("warm", latency.measure(sheet, normal, uncached=False))]
    with contextlib.suppress(TypeError):  # a tree before grade(pretty=...) has no batch figure
        runs.append(("batch", latency.measure(sheet, normal, pretty=False)))
    for name, timed in runs:
        s = latency.summary(timed)
        out[f"{name}_p50"], out[f"{name}_p99"] = s["p50"], s["p99"]
        out[f"{name}_cpu"] = sum(t.cpu for t in timed)  # CPU time of all answers: steadier than wall time
    out["naive_parts_cpu"] = sum(t.cpu for t in cold if t.address in naive.PARTS)
    out["worker_p50"], out["worker_p99"] = serve_worker(normal)
    print(json.dumps(out))


def serve_worker(answers: dict[tuple[str, str], str]) -> tuple[float, float]:
    """What the class server's worker does per answer (grader.serve.work.grade_answer: the grade, a wrong
    answer's fingerprint, the "Read as" LaTeX), each distinct answer once, caches emptied before each
    (so a live preview of the same text on the same worker, which would help, is not counted)."""
    import latency

    from grader.core import caches
    from grader.serve import work
    from grader.sheets.bundled import resolve

    path = str(resolve(None))
    for address in dict.fromkeys(address for address, _ in answers):
        latency.part_warm_up(work._sheet(path, 0, address), address)
    seconds = []
    for address, text in answers:
        caches.clear()
        latency.part_warm_up(work._sheet(path, 0, address), address)
        began = time.perf_counter()
        work.grade_answer(path, 0, address, text, 3.0)
        seconds.append(time.perf_counter() - began)
    return latency.percentile(seconds, 50), latency.percentile(seconds, 99)


def naive_seconds(students: int, timeout: float) -> float:
    sys.path.insert(0, str(HERE))
    import naive
    from generate_class import distinct_answers

    from grader import sheets

    sheet = sheets.load(None)
    sample = [key for key, label in distinct_answers(students).items() if label != "hostile" and key[0] in naive.PARTS]
    return sum(seconds for _, seconds in naive.run(sheet, sample, timeout, uncached=True))


def env_for(tree: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GRADER_NO_CACHE")}
    env["PYTHONPATH"] = str(tree)
    env["GRADER_CACHE_DIR"] = str(cache)
    return env


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each command run by wall(), by label


def wall(command: list[str], env: dict[str, str], cwd: Path, label: str = "") -> float:
    """Wall seconds of the command; its CPU seconds go to CPU[label]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, capture_output=True, env=env, cwd=cwd)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label:
        CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return seconds


def load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="a checkout of the older grader (git worktree add --detach ...)")
    parser.add_argument("--after", type=Path, default=HERE.parent, help="default: this checkout")
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="latency runs per tree, interleaved")
    parser.add_argument("--runs", type=int, default=9, help="runs per cold-start command (median)")
    parser.add_argument("--naive-timeout", type=float, default=10.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.students)
        return
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    with tempfile.TemporaryDirectory() as work:
        envs = {name: env_for(tree, Path(work) / name) for name, tree in trees.items()}
        loads: dict[str, list[float]] = {"latency": [], "check": [], "verify": []}
        lat: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                loads["latency"].append(load())
                done = subprocess.run([sys.executable, str(HERE / "ab.py"), str(tree), "--child",
                                       "--students", str(args.students)],
                                      capture_output=True, text=True, env=envs[name], check=True)
                lat[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(f"latency {name}: {lat[name][-1]} (load {load():.2f})", file=sys.stderr, flush=True)
        checks: dict[str, list[float]] = {}
        sympy_env = envs["after"]
        for name, tree in trees.items():  # untimed: bytecode and the sheet cache written
            for which in CHECKS:
                wall([sys.executable, "-m", "grader", "check", *CHECKS[which]], envs[name], tree)
        for _ in range(args.runs):
            loads["check"].append(load())
            sympy_command = [sys.executable, "-c", "import sympy"]
            checks.setdefault("sympy", []).append(wall(sympy_command, sympy_env, HERE, "sympy"))
            for name, tree in trees.items():
                for which in CHECKS:
                    checks.setdefault(f"{name} {which}", []).append(
                        wall([sys.executable, "-m", "grader", "check", *CHECKS[which]], envs[name], tree,
                             f"{name} {which}"))
        verify: dict[str, list[float]] = {f"{name} {how}": [] for name in trees for how in ("cold", "warm")}
        command = [sys.executable, "-m", "grader", "verify"]
        for name, tree in trees.items():  # untimed: fills the results' cache of a tree that has one
            wall(command, envs[name], tree)
        for _ in range(3):
            for name, tree in trees.items():
                loads["verify"].append(load())
                cold_env = {**envs[name], "GRADER_NO_CACHE": "1"}  # a tree without the cache ignores it
                verify[f"{name} cold"].append(wall(command, cold_env, tree, f"{name} verify cold"))
                verify[f"{name} warm"].append(wall(command, envs[name], tree, f"{name} verify warm"))
        began = load()
        naive_s = naive_seconds(min(args.students, 10_000), args.naive_timeout)
        loads["naive"] = [began, load()]
    med = {k: statistics.median(v) for k, v in checks.items()}

    def ms(name: str, key: str) -> str:
        values = [run[key] * 1e3 for run in lat[name] if key in run]
        return " / ".join(f"{v:.2f}" for v in values) + " ms" if values else "—"

    def cpu(name: str, key: str) -> str:
        values = [run[key] for run in lat[name] if key in run]
        return " / ".join(f"{v:.2f}" for v in values) + " s" if values else "—"

    def cmd_cpu(label: str) -> str:
        return f"{statistics.median(CPU[label]):.2f} s"

    def span(values: list[float]) -> str:
        return f"{min(values):.2f}–{max(values):.2f}"

    rows = [
        ("per answer, uncached, p50 (each run)", ms("before", "uncached_p50"), ms("after", "uncached_p50")),
        ("per answer, uncached, p99", ms("before", "uncached_p99"), ms("after", "uncached_p99")),
        ("all answers, uncached, CPU time", cpu("before", "uncached_cpu"), cpu("after", "uncached_cpu")),
        ("all answers, uncached, as batch and serve grade, CPU time", cpu("before", "uncached_cpu"),
         cpu("after", "batch_cpu")),
        ("all answers, warm, CPU time", cpu("before", "warm_cpu"), cpu("after", "warm_cpu")),
        ("per answer, uncached, as batch and serve grade (no pretty print), p50", ms("before", "uncached_p50"),
         ms("after", "batch_p50")),
        ("per answer, uncached, as batch and serve grade, p99", ms("before", "uncached_p99"), ms("after", "batch_p99")),
        ("the class server's worker per answer sent (grade, fingerprint, \"Read as\"), "
         "uncached, p50", ms("before", "worker_p50"), ms("after", "worker_p50")),
        ("the same, p99", ms("before", "worker_p99"), ms("after", "worker_p99")),
        ("per answer, warm, p50", ms("before", "warm_p50"), ms("after", "warm_p50")),
        ("per answer, warm, p99", ms("before", "warm_p99"), ms("after", "warm_p99")),
        ("naive baseline (CPU, uncached, measured once) over the grader's CPU on the same answers",
         *(" / ".join(f"{naive_s / run['naive_parts_cpu']:.0f}×" for run in lat[name]) for name in trees)),
        *((f"`grader check {' '.join(CHECKS[w])}` ({w}), median of {args.runs}; over `import sympy`",
           *(f"{med[f'{n} {w}']:.2f} s; {med[f'{n} {w}'] / med['sympy']:.2f}×" for n in trees)) for w in CHECKS),
        *((f"the same ({w}), CPU time, median", *(cmd_cpu(f"{n} {w}") for n in trees)) for w in CHECKS),
        ("`python -c 'import sympy'`, median (CPU time)", f"{med['sympy']:.2f} s ({cmd_cpu('sympy')})", ""),
        *((f"`grader verify` of the bundled bank, {how}, median of 3 (CPU time)",
           *(f"{statistics.median(verify[f'{n} {how}']):.2f} s ({cmd_cpu(f'{n} verify {how}')})" for n in trees))
          for how in ("cold", "warm")),
    ]
    print(f"before: {trees['before']}\nafter: {trees['after']}\n")
    print("load average (1 min) during: " + "; ".join(f"{k} {span(v)}" for k, v in loads.items()) + "\n")
    print("| figure | before | after |\n|---|---|---|")
    for what, before, after in rows:
        print(f"| {what} | {before} | {after} |")


if __name__ == "__main__":
    main()
