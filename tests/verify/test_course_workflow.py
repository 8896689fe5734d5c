"""The README's and docs/authoring.md's workflow for an author's own repository, run in a course folder
outside the project whose file names are not the sheet ids: the folder tree they show, the `grader verify`
commands they give (plain `grader verify` checks that folder), and the GitHub workflow's command, whose
annotations name the file and line of a wrong step."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
runner = CliRunner()


def guide_blocks(kind: str) -> str:
    return "".join(re.findall(rf"```yaml {kind}\n(.*?)```", GUIDE, flags=re.S))


def tree(doc: str) -> dict[str, str]:
    """The course folder a document shows: file -> the id it names (`# id: neuron`, `# sheet: neuron`)."""
    block = re.search(r"```text\nmy-course/\n(.*?)```", doc, re.S)
    assert block, "no course folder tree"
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s+(\S+\.yaml)\s+# (?:id|sheet): (\S+)$", block.group(1),
                                                       re.M)}


def commands(doc: str, heading: str) -> list[list[str]]:
    """The `grader verify` command lines of the first shell block after `heading`."""
    after = doc[doc.index(heading):]
    block = re.search(r"```(?:bash)?\n(.*?)```", after, re.S)
    assert block, heading
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("grader verify")]


def workflow_command(doc: str) -> list[str]:
    block = re.search(r"```yaml\n(# \.github/workflows/.*?)```", doc, re.S)
    assert block, "no GitHub workflow"
    steps = yaml.safe_load(block.group(1))["jobs"]["verify"]["steps"]
    run = next(s["run"] for s in steps if "grader verify" in s.get("run", ""))
    return shlex.split(run)[1:]


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    assert not tmp_path.resolve().is_relative_to(ROOT)
    files = tree(README)
    assert files == tree(GUIDE)
    root = tmp_path / "my-course"
    for name, sid in files.items():
        text = guide_blocks("sheet" if name.startswith("exercises/") else "solutions")
        assert re.search(rf"^(?:id|sheet): {sid}$", text, re.M), (name, sid)
        assert Path(name).stem != sid  # the point: file names are not ids
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def verify(cwd: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def test_the_documented_commands_pass_in_a_course_folder(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = commands(README, "## Checking sheets in CI") + commands(GUIDE, "## 6. Your own repository") + \
        [workflow_command(README), workflow_command(GUIDE)]
    assert ["verify"] in runs and ["verify", "--format", "github"] in runs
    for args in runs:
        code, out, err = verify(course, args, monkeypatch)
        assert (code, out) == (0, ""), (args, out, err)
        if len(args) == 1 or args[1].startswith("-"):  # no paths: this course folder, said so
            assert f"checked the course folder {course.resolve()} (exercises/, solutions/)" in err, err
        assert "1 sheet, 1 solutions file" in err, (args, err)


def test_the_workflow_annotates_a_wrong_step_at_its_line(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = course / "solutions" / "week-1-worked.yaml"
    text = path.read_text(encoding="utf-8")
    old = "\\frac{\\partial u}{\\partial w} = x'"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, "\\frac{\\partial u}{\\partial w} = w'"), encoding="utf-8")
    for cwd, shown in ((course, "solutions/week-1-worked.yaml"), (course / "solutions", "week-1-worked.yaml")):
        code, out, _ = verify(cwd, workflow_command(README), monkeypatch)
        assert code == 1 and out.startswith(f"::error file={shown},line={line},col="), out
    # in a repository whose course folder is not its root, annotations name files from the root
    monkeypatch.setenv("GITHUB_WORKSPACE", str(course.parent))
    code, out, _ = verify(course / "solutions", workflow_command(README), monkeypatch)
    assert out.startswith(f"::error file=my-course/solutions/week-1-worked.yaml,line={line},col="), out
