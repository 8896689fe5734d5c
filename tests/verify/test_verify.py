"""`grader verify`: the bundled bank passes, a corruption is reported at its line, in every output
format; the pre-commit hook and the README's GitHub workflow run it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from grader.cli import app
from grader.verify.run import verify_paths

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
SHEET = "exercises/activation-derivatives.yaml"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A copy of the bundled sheets and solutions, to corrupt."""
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def corrupt(repo: Path, old: str, new: str, name: str = SHEET) -> tuple[Path, int]:
    path = repo / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


@pytest.mark.system  # `grader verify` over every bundled sheet and solution: the whole bank
def test_repository_passes() -> None:
    assert verify_paths([]) == []
    assert verify_paths([str(ROOT / "exercises"), str(ROOT / "solutions")]) == []


@pytest.mark.system  # `grader verify` over a (corrupted) copy of every bundled sheet, once per case
@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("answer: e^(-x)/(1 + e^(-x))^2\n", "answer: e^(-x)/(1 + e^(-x))\n", "not the derivative"),
        ("answer: 4/(e^x + e^(-x))^2\n", "answer: 4/(e^x - e^(-x))^2\n", "not the derivative"),
        ("answer: Piecewise((0, x < 0), (1, x > 0))\n", "answer: Piecewise((0, x < 0), (2, x > 0))\n",
         "not the derivative"),
        ("          - answer: sech(x)\n", "          - answer: sech(x)^2\n", "equals the answer"),
        ("        kind: expression\n", "        knd: expression\n", "unknown key `knd`"),
        ("target: 1 - tanh(x)^2", "target: 1 + tanh(x)^2", "does not equal its start"),
    ],
)
def test_corrupted_sheet_is_caught_at_its_line(repo: Path, old: str, new: str, words: str) -> None:
    path, line = corrupt(repo, old, new)
    problems = verify_paths([str(repo / "exercises")])
    assert problems, "the corruption went unnoticed"
    assert any(p.path == str(path) and p.line == line and words in p.message for p in problems), \
        [p.text() for p in problems]


@pytest.mark.system  # `grader verify` with no paths checks the whole bank first
def test_cli_text_github_json_and_exit_codes(repo: Path) -> None:
    ok = runner.invoke(app, ["verify"])
    assert ok.exit_code == 0
    path, line = corrupt(repo, "          - answer: sech(x)\n", "          - answer: sech(x)^2\n")
    bad = runner.invoke(app, ["verify", str(repo / "exercises")])
    assert bad.exit_code == 1
    assert re.search(rf"^{re.escape(str(path))}:{line}:\d+: ", bad.stdout, re.M)
    gh = runner.invoke(app, ["verify", str(path), "--format", "github"])
    assert gh.stdout.startswith(f"::error file={path},line={line},")
    js = runner.invoke(app, ["verify", str(path), "--format", "json"])
    data = json.loads(js.stdout)
    assert data["ok"] is False and data["problems"][0]["line"] == line
    missing = runner.invoke(app, ["verify", str(repo / "nope.yaml")])
    assert missing.exit_code == 2


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_pre_commit_hook_runs_verify(repo: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = hooks[0]
    assert hook["entry"] == "grader verify"
    assert re.search(hook["files"], SHEET)
    # the whole course at every commit: a renamed sheet id or a deleted sheet touches no file it would check
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    entry = [sys.executable, "-m", "grader", *hook["entry"].split()[1:]]
    ok = subprocess.run(entry, capture_output=True, text=True, timeout=120, cwd=repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    corrupt(repo, "          - answer: sech(x)\n", "          - answer: sech(x)^2\n")
    bad = subprocess.run(entry, capture_output=True, text=True, timeout=120, cwd=repo)
    assert bad.returncode == 1
    corrupt(repo, "          - answer: sech(x)^2\n", "          - answer: sech(x)\n")
    corrupt(repo, "\nid: activation-derivatives\n", "\nid: my-sheet\n")  # an id of the author's own
    corrupt(repo, "\nsheet: activation-derivatives\n", "\nsheet: my-sheet\n", "solutions/activation-derivatives.yaml")
    assert subprocess.run(entry, capture_output=True, text=True, timeout=120, cwd=repo).returncode == 0
    (repo / SHEET).unlink()  # a sheet deleted: its worked solutions name a sheet there is none of
    gone = subprocess.run(entry, capture_output=True, text=True, timeout=120, cwd=repo)
    assert gone.returncode == 1, gone.stdout + gone.stderr


@pytest.mark.system  # starts `python -m grader` in a subprocess
def test_readme_github_workflow_parses_and_its_command_runs(repo: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/.*?)```", readme, re.S)
    assert block, "the README has no GitHub Actions example"
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["verify"]["steps"]
    command = next(s["run"] for s in steps if "run" in s and "grader verify" in s["run"])
    args = command.split()[command.split().index("verify") + 1:]
    proc = subprocess.run([sys.executable, "-m", "grader", "verify", *args], cwd=repo, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
