"""Cold start: wall time of whole `grader` commands, each a fresh process (median of several runs).

The console script is run directly (not through a shell shim such as pyenv's), with Python allowed
to write bytecode, as an installed package has it; one untimed run first writes it. `grader check`
is timed with its sheet cache warm (the usual case: every check after the first) and empty (the
first check after an install or an edit of the sheet or the grader). `python -c pass` and
`python -c "import sympy"` are the floor the machine sets.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECK_ANSWER = ("sigmoid.a", "σ(x)(1-σ(x))")


def grader_command() -> list[str]:
    script = Path(sys.executable).parent / "grader"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "grader"]


def _env(cache: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if cache is not None:
        env["GRADER_CACHE_DIR"] = cache
    return env


def timed(command: list[str], runs: int, env: dict[str, str] | None = None, fresh_cache: bool = False) -> float:
    """Median wall seconds of `runs` runs (after one untimed run)."""
    subprocess.run(command, capture_output=True, env=env or _env())
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as empty:
            run_env = _env(empty) if fresh_cache else (env or _env())
            began = time.perf_counter()
            subprocess.run(command, capture_output=True, env=run_env)
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def imports_sympy(*args: str) -> bool:
    """Does `grader ARGS` import sympy? (python -X importtime lists every module imported)"""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "grader", *args],
                          capture_output=True, text=True, env=_env())
    names = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    return "sympy" in names


def measure(runs: int = 9) -> dict[str, float | bool | str]:
    grader = grader_command()
    check = [*grader, "check", *CHECK_ANSWER]
    with tempfile.TemporaryDirectory() as cache:
        warm_cache = _env(cache)
        return {
            "command": " ".join(Path(grader[0]).name if i == 0 else part for i, part in enumerate(grader)),
            "python": timed([sys.executable, "-c", "pass"], runs),
            "sympy": timed([sys.executable, "-c", "import sympy"], runs),
            "help": timed([*grader, "--help"], runs),
            "help_imports_sympy": imports_sympy("--help"),
            "check": timed(check, runs, warm_cache),
            "check_first": timed(check, max(3, runs // 2), fresh_cache=True),
        }
