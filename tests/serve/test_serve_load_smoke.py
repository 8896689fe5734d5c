"""The load benchmark (benchmarks/serve_load.py) kept from rotting: a few students for a few seconds,
the server killed with SIGKILL half-way and restarted; no errors, no acknowledged attempt lost. Its
latency figures are the benchmark's business, never asserted here."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "serve_load.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("serve_load", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path  # it puts benchmarks/ first to import its siblings
    return module


def test_the_check_finds_an_acknowledged_attempt_missing_or_out_of_order() -> None:
    check = _benchmark().lost_attempts
    stored = [("s1", "sh", "a", "x", "correct", "proof"), ("s1", "sh", "a", "y", "incorrect", "sampling"),
              ("s2", "sh", "b", "z", "invalid", "parse")]
    acked = [("s1", "sh", "a", "x", 0.0), ("s1", "sh", "a", "y", 1.0), ("s2", "sh", "b", "z", 2.0)]
    assert check(acked, stored) == (0, 0)
    assert check([*acked, ("s2", "sh", "b", "w", 3.0)], stored) == (1, 0)  # acknowledged, never stored
    assert check([acked[1], acked[0]], stored) == (1, 2)  # stored, but not in the order acknowledged
    assert check(acked[:2], stored) == (0, 1)  # stored without an acknowledgement (a reply cut by the kill)


@pytest.mark.system  # starts `grader serve` twice, kills it with SIGKILL in between
def test_a_short_load_with_a_kill_loses_no_acknowledged_attempt(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json", str(out), "--keep", str(tmp_path / "w")],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["errors"] == 0 and found["rate_limited_429"] == 0, found["error_kinds"]
    assert found["killed"] and found["lost"] == 0
    phases = found["grade_ms_by_phase"]
    assert phases["before"]["n"] > 0 and phases["after"]["n"] > 0  # graded before the kill and after the restart
    with sqlite3.connect(tmp_path / "w" / "class.sqlite") as db:
        stored = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert stored == found["attempts_stored"] >= found["grades_acknowledged"] > 0
    for group in found["server_groups"]:  # the server, its forkserver and workers are all gone
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)
    assert "| grade latency p50 / p95 / p99 / max |" in run.stdout


@pytest.mark.system  # starts `grader serve`; one of six students floods it
def test_a_short_load_with_a_hostile_student_reports_the_flood_apart(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--hostile", "20", "--kill-at", "0", "--json",
                          str(out)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["hostile_students"] == 1 and found["flood"]["sent"] > 0
    assert found["errors"] == 0 and found["lost"] == 0 and found["grades_acknowledged"] > 0
    assert "| hostile students (budget-eating answers only)" in run.stdout
