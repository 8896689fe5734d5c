"""The example notebook, executed as a student runs it (nbclient + ipykernel): every output's mime bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.batch.submissions import Submission, read

# nbformat and nbclient are imported by the tests that use them (importorskip: skipped without them), not
# here: importing nbformat builds jsonschema's grammars, ~1 s in every pytest process that collects this file.

EXAMPLE = Path(__file__).parents[2] / "examples" / "notebooks" / "activation-derivatives.ipynb"


def test_the_example_is_what_grader_template_writes() -> None:
    """`grader template SHEET --notebook` writes the example: an instructor's handout for any sheet."""
    from typer.testing import CliRunner

    from grader.cli import app

    done = CliRunner().invoke(app, ["template", "activation-derivatives", "--notebook"])
    assert done.exit_code == 0, done.output
    assert done.stdout == EXAMPLE.read_text(encoding="utf-8")


def test_the_example_is_committed_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(EXAMPLE, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source
    checked = [c.source.split('"')[1] for c in nb.cells if c.source.startswith("gn.check(")]
    from grader.sheets import cache

    assert checked == list(cache.load("activation-derivatives").parts)  # a check cell per part, in order


def _fill(nb: object, address: str, old: str, new: str) -> None:
    for cell in nb.cells:  # type: ignore[attr-defined]
        if cell.source.startswith(f'gn.check("{address}", {old}'):
            cell.source = cell.source.replace(old, new, 1)
            return
    raise AssertionError(address)


@pytest.mark.system
def test_the_example_runs_and_each_output_is_typeset(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    shutil.copy(EXAMPLE, tmp_path / "student.ipynb")
    nb = nbformat.read(tmp_path / "student.ipynb", as_version=4)
    _fill(nb, "sigmoid.a", 'r""', 'r"e^-x/(1+e^-x)"')  # the square dropped: incorrect
    _fill(nb, "tanh.a", 'r""', r'r"1 - \tanh(x)^2"')
    setup = next(c for c in nb.cells if c.source.startswith("import grader.notebook as gn"))
    setup.source = setup.source.replace('student="your-student-id"', 'student="s1"')
    hand_in = next(c for c in nb.cells if c.source.startswith('gn.answer("sigmoid.a", r""'))
    hand_in.source = hand_in.source.replace('gn.answer("sigmoid.a", r"")', 'gn.answer("sigmoid.a", r"σ(x)(1-σ(x))")')
    hand_in.source = hand_in.source.replace('gn.answer("relu.a", r"")', 'gn.answer("relu.a", r"x")')
    _fill(nb, "sigmoid.b", 'r"""\n\n"""', '"""e^-x/(1+e^-x)^2\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= σ(x)(1-σ(x))"""')
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}})
    client.execute()
    verdicts: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", (cell.source, output)
            assert output.output_type != "stream" or output.name != "stderr", (cell.source, output.text)
        bundles = [o.data for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        if cell.source.startswith(("gn.check(", "gn.show(")):
            (data,) = bundles
            assert {"text/plain", "text/html", "text/markdown", "text/latex"} <= set(data), cell.source
            if '""' not in cell.source and '"""\n\n"""' not in cell.source:  # a question, or an answer given
                assert "\\(" in data["text/html"] or "\\[" in data["text/html"], cell.source  # typeset maths
                assert "$" in data["text/markdown"], cell.source
        if cell.source.startswith("gn.check("):
            verdicts[cell.source.split('"')[1]] = data["text/plain"].split("  ")[0]
        if cell.source.startswith("gn.practice("):
            (data,) = bundles
            assert "application/vnd.jupyter.widget-view+json" in data
    assert verdicts["sigmoid.a"] == "✗ incorrect"
    assert verdicts["tanh.a"] == "✓ correct" and verdicts["sigmoid.b"] == "✓ correct"
    assert verdicts["relu.a"] == "! invalid"  # left blank: the CLI's words say it is empty
    (table,) = [o.data["text/plain"] for c in nb.cells if c.source.startswith("gn.check_all()") for o in c.outputs]
    assert "sigmoid.a              ✓ correct    2/2 points" in table and "relu.a                 ✗ incorrect" in table
    saved = read(str(tmp_path / "answers.yaml"))  # the last cell's gn.save()
    nbformat.write(nb, tmp_path / "student.ipynb")
    handed_in = read(str(tmp_path / "student.ipynb"))  # the notebook itself, read without running it
    assert isinstance(saved, Submission) and isinstance(handed_in, Submission)
    assert saved.answers == handed_in.answers == {"sigmoid.a": "σ(x)(1-σ(x))", "relu.a": "x"}
    assert saved.student == handed_in.student == "s1"
