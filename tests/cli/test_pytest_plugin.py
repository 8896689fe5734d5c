"""The pytest plugin (grader.pytest_plugin): `pytest exercises solutions` runs one item per part and
per worked solution, and reports a failure at its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHEET = "exercises/activation-derivatives.yaml"
SOLUTIONS = "solutions/activation-derivatives.yaml"


def corrupt(repo: Path, old: str, new: str, name: str) -> None:
    """Replace the first `old` in the file `name` of `repo` by `new`."""
    path = repo / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.system  # runs the plugin over a copy of every bundled sheet and solution
def test_pytest_plugin_collects_parts_by_address(pytester: pytest.Pytester) -> None:
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, pytester.path / folder)
    result = pytester.runpytest("exercises", "solutions", "-v")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes["passed"] >= 10
    result.stdout.fnmatch_lines(["*activation-derivatives.yaml::sigmoid.a PASSED*",
                                 "*activation-derivatives.yaml::relu.b.at_zero PASSED*"])


@pytest.mark.system  # runs the plugin over a copy of every bundled sheet
def test_pytest_plugin_reports_a_failure_readably(pytester: pytest.Pytester) -> None:
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, pytester.path / folder)
    corrupt(pytester.path, "          - answer: sech(x)\n", "          - answer: sech(x)^2\n", SHEET)
    result = pytester.runpytest("exercises")
    assert result.parseoutcomes()["failed"] == 1
    result.stdout.fnmatch_lines(["*activation-derivatives.yaml:*: the mistake `sech(x)^2` equals the answer*"])


def test_pytest_plugin_runs_one_item_per_solution(pytester: pytest.Pytester) -> None:
    for folder in ("exercises", "solutions"):  # the first sheet only: its six solutions
        (pytester.path / folder).mkdir()
        shutil.copy(ROOT / folder / "activation-derivatives.yaml", pytester.path / folder)
    shutil.copy(ROOT / "exercises" / "sheet.schema.json", pytester.path / "exercises")
    corrupt(pytester.path, "N''(x) = e^x + e^{-x}", "N''(x) = e^x - e^{-x}", SOLUTIONS)
    result = pytester.runpytest("solutions", "-v")
    assert result.parseoutcomes() == {"passed": 6, "failed": 1}  # six solutions, and the texts of the file
    result.stdout.fnmatch_lines(["*activation-derivatives.yaml::relu.b PASSED*",
                                 "*activation-derivatives.yaml:76:*`N'(x) = e^x - e^{-x}` does not hold*"])
