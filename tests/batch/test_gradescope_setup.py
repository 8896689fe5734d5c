"""The Gradescope bundle's setup.sh and run_autograder with the Pythons of Gradescope's base images
(issue 29): the distribution's own, externally managed python3 (Ubuntu 24.04; here Debian 12's), and
a python3 that is 3.10 (Ubuntu 22.04). apt-get is always a shim (it refuses, or "installs" by linking
this machine's own python3.11): no test installs anything on this machine. pip reaches the registry
this machine's pip configuration names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

SYSTEM_PYTHON = Path("/usr/bin/python3")
SHEET = """\
id: my-course-week3
title: Week 3
variables: [x]
questions:
  - id: cube
    title: A cube
    statement: Let $g(x) = x^3 - 2x$.
    function: x^3 - 2*x
    parts:
      - id: a
        ask: Find $g'(x)$.
        kind: expression
        answer: 3*x^2 - 2
        derivative: true
        points: 2
"""
REFUSING_APT = '#!/bin/bash\necho "apt-get $*" >> "${0%/*}/apt.log"\nexit 100\n'


def _bundle(tmp_path: Path) -> Path:
    """A fresh fake /autograder with the zip of a sheet of its own unpacked in source/, as Gradescope does."""
    sheet = tmp_path / "week3.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    built = CliRunner().invoke(app, ["gradescope", str(sheet), "-o", str(tmp_path / "autograder.zip")])
    assert built.exit_code == 0, built.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile does not restore modes; Gradescope's unzip does
            os.chmod(root / "source" / info.filename, info.external_attr >> 16 & 0o777)
    return root


def _bin(tmp_path: Path, tools: dict[str, str | Path]) -> Path:
    """A folder for PATH: shell scripts (str) and links to real programs (Path), and always a refusing apt-get."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, tool in {"apt-get": REFUSING_APT, **tools}.items():
        if isinstance(tool, Path):
            (folder / name).symlink_to(tool)
        else:
            (folder / name).write_text(tool, encoding="utf-8")
            (folder / name).chmod(0o755)
    return folder


def _env(root: Path, path: str) -> dict[str, str]:
    """Only what Gradescope's build has: PATH and HOME (plus this machine's pip settings, for its registry)."""
    pip = {k: v for k, v in os.environ.items() if k.startswith("PIP_") or k in ("HOME", "XDG_CONFIG_DIRS")}
    return {**pip, "PATH": path, "AUTOGRADER_ROOT": str(root), "LANG": "C.UTF-8"}


def _offline(env: dict[str, str]) -> dict[str, str]:
    """No package index and no pip configuration: pip fails at once (the tests that stop there)."""
    return {**{k: v for k, v in env.items() if not k.startswith("PIP_")}, "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_INDEX": "1"}


def _setup(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/bin/bash", str(root / "source" / "setup.sh")], env=env, capture_output=True,
                          text=True, timeout=600, check=False, cwd=root / "source")


def _needs_the_system_python() -> None:
    """Debian 12's python3 (3.11) here; .ci/run installs its venv module when it is missing."""
    new_enough = SYSTEM_PYTHON.exists() and subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys; assert sys.version_info >= (3, 11)"], check=False).returncode == 0
    if not new_enough:
        pytest.skip("needs a Linux distribution's own /usr/bin/python3, 3.11 or newer (Debian 12, Ubuntu 24.04)")


# A python3 as on Ubuntu 22.04: it says it is 3.10, and fails setup.sh's one `-c` check (>= 3.11) as 3.10 does.
PYTHON_310 = """#!/bin/bash
case "$1" in
  --version|-V) echo "Python 3.10.12" ;;
  -c) echo "AssertionError" >&2; exit 1 ;;
  *) echo "python3 3.10 shim: $*" >&2; exit 1 ;;
esac
"""


@pytest.mark.system  # runs setup.sh: a venv, and pip installing the lock (about half a minute); the others stop
# before pip installs anything (no index), which keeps them to seconds
def test_setup_with_the_distributions_own_externally_managed_python_grades_to_full_marks(tmp_path: Path) -> None:
    _needs_the_system_python()
    root = _bundle(tmp_path)
    shims = _bin(tmp_path, {})
    env = _env(root, f"{shims}:/usr/bin:/bin")
    done = _setup(root, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"grader setup: using {SYSTEM_PYTHON} (Python 3." in done.stdout
    assert "grader setup: ready" in done.stdout
    assert not (shims / "apt.log").exists()  # nothing was missing
    venv_python = root / "venv" / "bin" / "python"
    prefix = subprocess.run([str(venv_python), "-c", "import sys; print(sys.prefix)"], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert Path(prefix) == root / "venv"  # its own environment, never the system Python's site-packages
    lock = (root / "source" / "requirements.lock").read_text(encoding="utf-8").splitlines()
    pins = {line.split("==")[0]: line.split("==")[1] for line in lock if "==" in line}
    assert {"sympy", "pyyaml", "typer"} <= set(pins)
    frozen = subprocess.run([str(venv_python), "-m", "pip", "freeze", "--all"], capture_output=True, text=True,
                            check=True).stdout.lower().replace("_", "-")
    for name, version in pins.items():  # exactly the versions the zip was built with
        assert f"{name}=={version}" in frozen, name

    (root / "submission").mkdir()
    (root / "submission" / "answers.yaml").write_text("student: s1\nanswers:\n  cube.a: '3x^2 - 2'\n",
                                                       encoding="utf-8")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # Gradescope runs it from there
    ran = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert ran.returncode == 0, ran.stderr
    result = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert (result["score"], result["max_score"]) == (2.0, 2.0)
    assert [t["status"] for t in result["tests"]] == ["passed"]


@pytest.mark.system
def test_setup_beside_a_python_3_10_picks_the_python_3_11_on_path(tmp_path: Path) -> None:
    _needs_the_system_python()
    newer = SYSTEM_PYTHON.resolve()  # Debian 12's python3.11, as a `python3.11` next to a 3.10 `python3`
    root = _bundle(tmp_path)
    shims = _bin(tmp_path, {"python3": PYTHON_310, "python3.11": newer, "bash": Path("/bin/bash")})
    done = _setup(root, _offline(_env(root, str(shims))))  # the first test installs the lock; this one stops there
    assert "grader setup: no Python 3.11 or newer" not in done.stdout
    assert f"grader setup: using {shims / 'python3.11'} (Python 3.11" in done.stdout
    assert "grader setup: installing the pinned dependencies (requirements.lock)" in done.stdout
    assert not (shims / "apt.log").exists()
    assert (root / "venv" / "bin" / "python").resolve() == newer


# An apt-get that "installs" by linking the real program into its own folder, as apt would put it on PATH.
INSTALLING_APT = """#!/bin/bash
echo "apt-get $*" >> "${0%/*}/apt.log"
[ "$1" = install ] && for package in "$@"; do
  case "$package" in
    python3.11) /bin/ln -s /usr/bin/python3.11 "${0%/*}/python3.11" ;;
    python3.11-venv) : > "${0%/*}/venv-installed" ;;
  esac
done
exit 0
"""


@pytest.mark.system
def test_setup_beside_a_python_3_10_installs_python_3_11_with_apt(tmp_path: Path) -> None:
    _needs_the_system_python()
    root = _bundle(tmp_path)
    shims = _bin(tmp_path, {"python3": PYTHON_310, "bash": Path("/bin/bash"), "apt-get": INSTALLING_APT})
    done = _setup(root, _offline(_env(root, str(shims))))
    assert "grader setup: no Python 3.11 or newer on PATH (python3: Python 3.10.12); installing one" in done.stdout
    assert (shims / "apt.log").read_text(encoding="utf-8").splitlines() == [
        "apt-get update -qq", "apt-get install -y -qq python3.11 python3.11-venv"]
    assert f"grader setup: using {shims / 'python3.11'} (Python 3.11" in done.stdout
    assert (root / "venv" / "bin" / "python").resolve() == Path("/usr/bin/python3.11").resolve()
    assert done.returncode == 1  # no index here: pip cannot install the lock, and says what to do
    assert done.stderr.strip().splitlines()[-1].startswith(
        "grader setup: FAILED: pip could not install the versions in requirements.lock (pip says why above). If "
        "it could not reach PyPI, the build had no network: rebuild the autograder.")


@pytest.mark.system
def test_setup_installs_the_venv_package_a_new_enough_python_lacks(tmp_path: Path) -> None:
    _needs_the_system_python()
    without_venv = ("#!/bin/bash\n"  # Debian's and Ubuntu's python3 before python3.X-venv is installed
                    "if [ \"$1 $2\" = '-m venv' ] && [ ! -e \"${0%/*}/venv-installed\" ]; then\n"
                    "  echo 'The virtual environment was not created successfully because ensurepip is not "
                    "available.' >&2; exit 1\nfi\nexec /usr/bin/python3 \"$@\"\n")
    root = _bundle(tmp_path)
    shims = _bin(tmp_path, {"python3": without_venv, "bash": Path("/bin/bash"), "apt-get": INSTALLING_APT})
    done = _setup(root, _offline(_env(root, str(shims))))
    assert f"grader setup: {shims / 'python3'} cannot make a virtual environment" in done.stdout
    assert (shims / "apt.log").read_text(encoding="utf-8").splitlines() == [
        "apt-get update -qq", "apt-get install -y -qq python3.11-venv"]
    assert "grader setup: installing the pinned dependencies (requirements.lock)" in done.stdout  # the venv is made
    assert (root / "venv" / "bin" / "python").exists()


@pytest.mark.system
def test_setup_with_only_python_3_10_and_no_apt_stops_naming_the_base_image(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    shims = _bin(tmp_path, {"python3": PYTHON_310, "bash": Path("/bin/bash")})
    done = _setup(root, _env(root, str(shims)))
    assert done.returncode == 1
    assert "grader setup: no Python 3.11 or newer on PATH (python3: Python 3.10.12)" in done.stdout
    assert (shims / "apt.log").read_text(encoding="utf-8").startswith("apt-get update")  # it tried, and apt refused
    assert done.stderr.strip().splitlines()[-1] == (
        "grader setup: FAILED: no Python 3.11 or newer and apt could not install one: choose the Ubuntu 22.04 "
        "or Ubuntu 24.04 base image in the autograder settings and rebuild the autograder.")
    assert not (root / "venv").exists()


@pytest.mark.system
def test_setup_with_a_python_that_cannot_make_a_venv_names_the_package_apt_could_not_install(
        tmp_path: Path) -> None:
    no_venv = ("#!/bin/bash\n[ \"$1\" = -c ] && { echo 3.12; exit 0; }\n"
               "[ \"$1\" = --version ] && { echo 'Python 3.12.3'; exit 0; }\n"
               "echo 'The virtual environment was not created successfully because ensurepip is not available.'\n"
               "exit 1\n")
    root = _bundle(tmp_path)
    shims = _bin(tmp_path, {"python3": no_venv, "bash": Path("/bin/bash")})
    done = _setup(root, _env(root, str(shims)))
    assert done.returncode == 1
    assert "python3.12 cannot make a virtual environment" not in done.stdout  # the shim is `python3`
    assert (shims / "apt.log").read_text(encoding="utf-8").startswith("apt-get update")  # it tried, apt refused
    assert done.stderr.strip().splitlines()[-1] == (
        f"grader setup: FAILED: {shims / 'python3'} cannot make a virtual environment and apt could not install "
        "python3.12-venv: choose the Ubuntu 22.04 or Ubuntu 24.04 base image in the autograder settings and "
        "rebuild the autograder.")


@pytest.mark.system
def test_run_autograder_without_the_environment_setup_makes_says_to_read_the_build_log(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    (root / "submission").mkdir()
    env = {k: v for k, v in _env(root, "/usr/bin:/bin").items() if k != "GRADER_PYTHON"}
    ran = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert ran.returncode == 1
    assert f"grader: no {root}/venv/bin/python: setup.sh did not finish" in ran.stderr
    assert "do what its last line says, and rebuild the autograder" in ran.stderr
    assert not (root / "results" / "results.json").exists()  # Gradescope shows a failed run, not a score of 0
