"""The on-disk sheet cache is keyed by the whole grader package: a change in any layer, not only in
sheets/, makes cached sheets stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import grader
from grader.sheets import cache


def test_the_fingerprint_covers_the_whole_package() -> None:
    assert Path(grader.__file__).resolve().parent == cache.PACKAGE_DIR
    assert cache.code_fingerprint() == cache.source_fingerprint(cache.PACKAGE_DIR)


def test_a_change_in_another_layer_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "grader"
    shutil.copytree(cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.source_fingerprint(copy)
    decide = copy / "equivalence" / "decide.py"
    decide.write_text(decide.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.source_fingerprint(copy) != before
