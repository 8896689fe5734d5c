"""`grader grade` on the shipped example class (examples/submissions, which has every kind of bad
file) must produce exactly the files in tests/golden/batch/, byte for byte.

When a change to grading or wording is intended, regenerate the golden files and review the diff:

    GRADER_UPDATE_GOLDEN=1 python -m pytest tests/batch/test_batch_golden.py

(the run rewrites tests/golden/batch/ from the current output; without the variable, tests compare).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "batch"
FORMATS = "canvas,moodle,gradescope,junit"
BAD_FILES = ("empty.yaml", "binary.yaml", "latin1.yaml", "invalid-yaml.yaml", "wrong-shape.yaml")


def _tree(folder: Path) -> dict[str, bytes]:
    """Every report but report.html: 700 KB, nearly all of it the vendored KaTeX and uPlot it inlines
    (tests/batch/test_batch_report_html.py checks its figures and that a rerun gives the same bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "report.html"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("grades")
    cwd = os.getcwd()
    os.chdir(ROOT)  # report paths are as given on the command line: keep them relative
    try:
        result = CliRunner().invoke(app, ["grade", "examples/submissions", "--out", str(out), "--jobs", "2",
                                          "--format", FORMATS])
    finally:
        os.chdir(cwd)
    if os.environ.get("GRADER_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    return out, result


def test_reports_match_golden_files(graded: tuple[Path, Result]) -> None:
    out, _ = graded
    produced, expected = _tree(out), _tree(GOLDEN)
    assert sorted(produced) == sorted(expected)
    for name, data in expected.items():
        assert produced[name] == data, f"{name} differs from tests/golden/batch/{name}"


def test_exit_status_and_messages(graded: tuple[Path, Result]) -> None:
    _, result = graded
    assert result.exit_code == 1, result.output
    err = result.stderr
    for name in BAD_FILES:
        assert f"examples/submissions/bad/{name}: unreadable: " in err
    assert err.count("unreadable: ") == len(BAD_FILES)


def test_summary_is_printed(graded: tuple[Path, Result]) -> None:
    out, result = graded
    assert result.stdout == (out / "summary.md").read_text(encoding="utf-8")


def test_every_bad_file_is_listed_with_its_reason() -> None:
    rows = (GOLDEN / "grades.csv").read_text(encoding="utf-8").splitlines()
    reasons = {line.split(",")[1].rsplit("/", 1)[-1]: line for line in rows[1:]}
    expected = {
        "empty.yaml": "the file is empty",
        "binary.yaml": "the file is binary",
        "latin1.yaml": "the file is not UTF-8 text (byte 0xe9",
        "invalid-yaml.yaml": "invalid YAML at line 4, column 9",
        "wrong-shape.yaml": "wrong shape: `answers` must be a mapping",
    }
    for name, words in expected.items():
        assert f"unreadable: {words}" in reasons[name]
    assert "unknown part address `sigmoid.c` ignored" in reasons["judy.yaml"]  # a partial file is graded
    assert "invalid: tanh.a" in reasons["kim.yaml"] and "`Sigmoid.A` was graded as `sigmoid.a`" in reasons["kim.yaml"]


@pytest.mark.system  # starts `python -m grader grade` twice in subprocesses
def test_identical_bytes_across_processes_hash_seeds_and_jobs(tmp_path: Path) -> None:
    """Same input, separate processes (different PYTHONHASHSEED and --jobs): identical files."""
    outs = []
    for seed, jobs in (("1", "1"), ("2", "2")):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "grader", "grade", "examples/submissions", "--out", str(out),
                               "--jobs", jobs, "--format", FORMATS], cwd=ROOT, env=env, capture_output=True)
        assert done.returncode == 1, done.stderr
        outs.append(_tree(out))
    assert outs[0] == outs[1]
    assert outs[0] == _tree(GOLDEN)
