"""The bundled sheets ship inside the wheel, so an installed grader finds them from any folder."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.system  # builds a wheel with pip in a subprocess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.insert(5, "--no-build-isolation")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return next(out.glob("grader-*.whl"))


def test_wheel_contains_sheets_and_solutions(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for sheet in (ROOT / "exercises").glob("*.yaml"):
        assert f"grader/_bundled/exercises/{sheet.name}" in names
    for solution in (ROOT / "solutions").glob("*.yaml"):
        assert f"grader/_bundled/solutions/{solution.name}" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_wheel_entry_point_is_the_cli(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        entry = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
        assert "grader = grader.cli:main" in zf.read(entry).decode()


def test_wheel_contains_the_vendored_scripts_report_html_inlines(wheel: Path) -> None:
    """report.html inlines KaTeX (and its fonts), uPlot and charts.js from grader/serve/static: an
    installed grader must find every one of them."""
    names = set(zipfile.ZipFile(wheel).namelist())
    static = ROOT / "grader" / "serve" / "static"
    for path in static.rglob("*"):
        if path.is_file():
            assert f"grader/serve/static/{path.relative_to(static).as_posix()}" in names
    assert {"grader/serve/static/uplot/uPlot.iife.min.js", "grader/serve/static/uplot/LICENSE",
            "grader/serve/static/charts.js", "grader/serve/static/katex/fonts/KaTeX_Main-Regular.woff2"} <= names
