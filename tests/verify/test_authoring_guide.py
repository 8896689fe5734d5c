"""docs/authoring.md: its `yaml sheet` and `yaml solutions` blocks, put together, verify."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from grader.verify.run import verify_paths

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "authoring.md"


def blocks(kind: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(rf"```yaml {kind}\n(.*?)```", text, flags=re.S)
    assert found, kind
    return "".join(found)


def test_guide_snippets_make_a_verified_sheet(tmp_path: Path) -> None:
    (tmp_path / "exercises").mkdir()
    (tmp_path / "solutions").mkdir()
    shutil.copy(ROOT / "exercises" / "sheet.schema.json", tmp_path / "exercises")
    (tmp_path / "exercises" / "neuron.yaml").write_text(blocks("sheet"), encoding="utf-8")
    (tmp_path / "solutions" / "neuron.yaml").write_text(blocks("solutions"), encoding="utf-8")
    problems = verify_paths([str(tmp_path / "exercises"), str(tmp_path / "solutions")])
    assert [p.text() for p in problems] == []


def test_a_broken_snippet_fails(tmp_path: Path) -> None:
    (tmp_path / "neuron.yaml").write_text(blocks("sheet").replace("derivative: w", "derivative: x", 1),
                                          encoding="utf-8")
    assert len(verify_paths([str(tmp_path / "neuron.yaml")])) == 1
