"""The layer rule (ARCHITECTURE.md): each layer imports only from the layers below it, checked by
import-linter with the contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_keeps_every_import_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


@pytest.mark.system
@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/limits.py", "import grader.parsing", "Layers"),  # upward
        ("sheets/model.py", "import grader.grading.results", "Layers"),  # upward, one layer
        ("batch/groups.py", "import grader.practice.records", "front ends"),  # sideways
        ("parsing/names.py", "import grader.parsing.parser", "cycles"),  # a cycle inside a layer
    ],
)
def test_a_forbidden_import_in_a_scratch_copy_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    shutil.copytree(ROOT / "grader", tmp_path / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
            "sys.argv = ['lint-imports', '--no-cache']; lint_imports_command()"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    clean = subprocess.run(lint, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    target = tmp_path / "grader" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    broken = subprocess.run(lint, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    report = broken.stdout
    assert "BROKEN" in report
    broken_names = [row for row in report.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken_names), report
