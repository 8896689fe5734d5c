"""requirements.lock of the Gradescope bundle: the runtime closure pinned to what is installed here (issue 29)."""

from __future__ import annotations

import importlib.metadata
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.batch import lock
from grader.batch.lock import runtime_pins
from grader.cli import app
from grader.core.errors import UsageError

INSTALLED = {"course": "1.0", "alpha": "2.0", "beta-pkg": "0.3", "gamma": "1.1", "delta": "4.0", "winonly": "1"}
REQUIRES = {
    "course": ["Alpha>=1", "beta_pkg; python_version < '3.13'", "pytest>=8; extra == 'test'", "gamma[fast]"],
    "alpha": ["beta.pkg>=0.1; sys_platform != 'win32'", "oldback; python_version < '3.11'"],
    "beta-pkg": [],
    "gamma": ["delta (>=3) ; extra == 'fast'", "winonly ; platform_system == 'Windows'"],
    "delta": [],
    "winonly": [],
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def known(name: str) -> str:
        name = lock.normalise(name)
        if name not in INSTALLED:
            raise importlib.metadata.PackageNotFoundError(name)
        return name

    monkeypatch.setattr(lock.importlib.metadata, "distribution", known)
    monkeypatch.setattr(lock.importlib.metadata, "version", lambda name: INSTALLED[known(name)])
    monkeypatch.setattr(lock.importlib.metadata, "requires", lambda name: REQUIRES[known(name)])


def test_the_closure_is_pinned_with_its_markers_and_without_unasked_extras(installed: None) -> None:
    assert [p.line for p in runtime_pins("course")] == [
        "alpha==2.0",
        "beta-pkg==0.3 ; (python_version < '3.13') or (sys_platform != 'win32')",  # needed where either holds
        "delta==4.0",  # course asks for gamma[fast]
        "gamma==1.1",
        "winonly==1 ; platform_system == 'Windows'",  # installed here; pip skips it on Linux
    ]  # not pytest (an extra nobody asked for), not oldback (its marker does not hold here, and it is not here)


def test_a_dependency_needed_everywhere_but_missing_here_is_an_error(installed: None,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(REQUIRES, "delta", ["epsilon"])
    with pytest.raises(UsageError, match="course needs epsilon, which is not installed here"):
        runtime_pins("course")
    with pytest.raises(UsageError, match="nothing is not installed as a package here"):
        runtime_pins("nothing")


def test_the_bundle_pins_what_is_installed_here(tmp_path: Path) -> None:
    built = CliRunner().invoke(app, ["gradescope", "-o", str(tmp_path / "a.zip")])
    assert built.exit_code == 0, built.output
    with zipfile.ZipFile(io.BytesIO((tmp_path / "a.zip").read_bytes())) as archive:
        pins = archive.read("requirements.lock").decode().splitlines()
        readme = archive.read("README.md").decode()
    for name in ("sympy", "pyyaml", "typer", "mpmath", "click"):  # direct and indirect dependencies
        assert f"{name}=={importlib.metadata.version(name)}" in pins
    assert not any(line.startswith(("pytest", "ruff", "grader")) for line in pins)  # no dev extras, not itself
    assert "**Ubuntu 22.04 or Ubuntu 24.04**" in readme and "How it was tested" in readme


def test_the_help_names_the_base_images_and_how_the_bundle_was_tested() -> None:
    shown = CliRunner().invoke(app, ["gradescope", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    words = " ".join(shown.output.split())
    assert "base image Ubuntu 22.04 or Ubuntu 24.04" in words
    assert "Tested by grader's own suite with Debian 12's externally managed python3" in words
