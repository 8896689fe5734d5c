"""The README's "In a notebook" code cells run as written (in a temporary folder: they save a file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def cells() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## In a notebook\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_notebook_section_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    found = cells()
    assert found
    for source in found:
        exec(compile(source, "README.md", "exec"), {})  # the README's own code, not student text
    assert "sigmoid.a: 'σ(x)(1-σ(x))'" in (tmp_path / "answers.yaml").read_text(encoding="utf-8")
