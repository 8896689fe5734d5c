"""The on-disk sheet cache is keyed by the whole grader package: a change in any layer, not only in
sheets/, makes cached sheets stale."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

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


def test_versions_are_read_without_importing_and_are_the_modules_own(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import mpmath
    import sympy
    import yaml

    assert cache.installed_version("sympy") == sympy.__version__
    assert cache.installed_version("mpmath") == mpmath.__version__
    assert cache.installed_version("yaml", "PyYAML") == yaml.__version__
    site = tmp_path / "site"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("__version__ = 'from the module'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "fakepkg", raising=False)
    assert cache.installed_version("fakepkg") == "from the module"  # a source checkout: no dist-info
    (site / "fake_pkg-1.0.dist-info").mkdir()
    (site / "fake_pkg-1.0.dist-info" / "METADATA").write_text("Name: fake-pkg\nVersion: 1.0\n\nText\n",
                                                             encoding="utf-8")
    monkeypatch.delitem(sys.modules, "fakepkg", raising=False)
    assert cache.installed_version("fakepkg", "fake-pkg") == "1.0"
    assert "fakepkg" not in sys.modules  # not imported
    (site / "fake_pkg-2.0.dist-info").mkdir()  # two: which one is it? the module says
    assert cache.installed_version("fakepkg", "fake-pkg") == "from the module"
    assert cache.installed_version("no_such_module_here") == "absent"
