"""Worked solutions are machine-checked: every claim of solutions/*.yaml holds, or verify says where not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.sheets.solutions import load
from grader.verify.problems import Problem
from grader.verify.solutions import solution_counts, solution_items

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = "solutions/activation-derivatives.yaml"
SHEET = "exercises/activation-derivatives.yaml"
runner = CliRunner()


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def corrupt(repo: Path, old: str, new: str, name: str = SOLUTIONS) -> int:
    """Replace the first `old` by `new`; the line where `old` starts."""
    path = repo / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def problems_of(repo: Path) -> list[Problem]:
    return [p for item in solution_items(repo / SOLUTIONS) for p in item.run()]


def test_bundled_solutions_hold() -> None:
    items = list(solution_items(ROOT / SOLUTIONS))
    assert [i.name for i in items] == ["sigmoid.a", "sigmoid.b", "tanh.a", "tanh.b", "relu.a", "relu.b"]
    assert [p.text() for i in items for p in i.run()] == []


def test_every_display_and_link_is_counted_as_checked() -> None:
    counts = solution_counts(ROOT / SOLUTIONS)
    solutions = load(ROOT / SOLUTIONS).solutions
    assert set(counts) == set(solutions)
    for address, solution in solutions.items():
        steps = solution.steps
        displays = sum(1 for s in steps if s.math) + sum(len(s.chain) for s in steps) + 1  # + the result
        equals = sum(s.math.latex.count("=") for s in steps if s.math) + sum(len(s.chain) - 1 for s in steps)
        got = counts[address]
        assert got.displays == displays, address
        assert got.claims >= equals + 1, address  # every `=` written, and the result against the sheet
        assert got.prose == sum(s.prose for s in steps), address
        assert got.steps == len(steps)
    assert sum(c.steps for c in counts.values()) == 43
    assert sum(c.prose for c in counts.values()) == 3
    assert sum(c.claims for c in counts.values()) == 79


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        pytest.param("e^{2x} + 2 + e^{-2x}'\n      - say: 'Second", "e^{2x} + 4 + e^{-2x}'\n      - say: 'Second",
                     "does not hold: at x = 0 the left side is 4 and the right side is 6", id="identity"),
        pytest.param("- '(e^{2x} + 2 + e^{-2x}) - (e^{2x} - 2 + e^{-2x})'",
                     "- '(e^{2x} + 4 + e^{-2x}) - (e^{2x} - 2 + e^{-2x})'", "does not hold", id="chain-link"),
        pytest.param("N''(x) = e^x + e^{-x}", "N''(x) = e^x - e^{-x}", "`N'(x) = e^x - e^{-x}` does not hold",
                     id="derivative"),
        pytest.param("\\frac{d}{dx}(u^{-1}) = -u^{-2}", "\\frac{d}{dx}(u^{-1}) = u^{-2}", "does not hold",
                     id="chain-rule"),
        pytest.param("\\frac{0-0}{h} = 0", "\\frac{0-0}{h} = 1", "the left side is 0 and the right side is 1",
                     id="limit-value"),
        pytest.param("\\lim_{h \\rightarrow 0^+} \\frac{h-0}{h}", "\\lim_{h \\rightarrow 0^+} \\frac{h^2+h}{h}",
                     "the expressions under them differ just right of 0", id="limit-expression"),
        pytest.param("result: '\\sigma''(x) = \\frac{e^{-x}}{(1 + e^{-x})^2}'",
                     "result: '\\sigma''(x) = \\frac{e^{-x}}{(1 + e^{-x})}'", "is not the answer of `sigmoid.a`",
                     id="result"),
        pytest.param("result: '\\sigma''(x) = \\sigma(x)(1 - \\sigma(x))'",
                     "result: '\\sigma''(x) = \\sigma(x)(1 + \\sigma(x))'", "is not the target of `sigmoid.b`",
                     id="derivation-result"),
        pytest.param("math: '\\sigma(x) = (1 + e^{-x})^{-1}'", "math: '\\sigma(x) = (1 + e^{-x})^{-1'",
                     "does not parse: missing `}`", id="parse"),
        pytest.param("define: {u: '1 + e^{-x}'}", "define: {u: '1 + e^{x}'}", "`define: u` disagrees", id="helper"),
        pytest.param("or sometimes } 1", "or sometimes } 2", "2 not allowed: the subgradients", id="subgradient"),
        pytest.param("\\text{(any value between 0 and 1)}, & x = 0 \\text{ (subgradient)}, \\\\ 1, & x > 0. "
                     "\\end{cases}'\n    result", "\\text{(any value between 0 and 2)}, & x = 0 \\text{ "
                     "(subgradient)}, \\\\ 1, & x > 0. \\end{cases}'\n    result", "at x = 0: [0, 2] not allowed",
                     id="cases-row"),
        pytest.param("      - say: 'For $x < 0$:'\n        math: '\\text{ReLU}(x) = 0",
                     "      - say: 'For $x > 0$:'\n        math: '\\text{ReLU}(x) = 0",
                     "does not hold for x > 0", id="condition"),
    ],
)
def test_a_corrupted_solution_is_caught_at_its_line(repo: Path, old: str, new: str, words: str) -> None:
    line = corrupt(repo, old, new)
    problems = problems_of(repo)
    assert any(p.path.endswith(SOLUTIONS) and p.line in (line, line + 1) and words in p.message
               for p in problems), [p.text() for p in problems]


def test_a_column_points_into_the_line(repo: Path) -> None:
    line = corrupt(repo, "N''(x) = e^x + e^{-x}", "N''(x) = e^x - e^{-x}")
    (problem,) = problems_of(repo)
    source = (repo / SOLUTIONS).read_text(encoding="utf-8").splitlines()[line - 1]
    assert (problem.line, source[problem.col - 1:].startswith("e^x - e^{-x}")) == (line, True)


def test_a_part_without_a_solution_is_reported(repo: Path) -> None:
    path = repo / SOLUTIONS
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  tanh.b:\n"), text.index("  # 3. ReLU")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    items = {i.name: i for i in solution_items(path)}
    (problem,) = items["tanh.b"].run()
    assert "part `tanh.b` of sheet `activation-derivatives` has no worked solution" in problem.message
    assert problem.line == text.splitlines().index("solutions:") + 1
    assert all(not i.run() for name, i in items.items() if name != "tanh.b")


def test_a_solution_for_no_part_is_reported(repo: Path) -> None:
    line = corrupt(repo, "  relu.a:\n", "  relu.c:\n")
    problems = problems_of(repo)
    assert any(p.line == line and "has no part `relu.c`" in p.message for p in problems)
    assert any("part `relu.a`" in p.message and "no worked solution" in p.message for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('            answer: "no"\n', '            answer: "yes"\n', "should be `no`, not `yes`"),
        ("            interval: [0, 1]\n", "            interval: [0, 2]\n", "accepts the values between 0 and 2"),
        ("            kind: number\n            answer: 0\n", "            kind: number\n            answer: 1\n",
         "the answer `1` of `relu.b.left` is not what its worked solution computes, `0`"),
    ],
)
def test_group_solution_answers_its_sub_parts(repo: Path, old: str, new: str, words: str) -> None:
    corrupt(repo, old, new, SHEET)
    problems = problems_of(repo)
    assert any(words in p.message for p in problems), [p.text() for p in problems]


@pytest.mark.system  # `grader verify` over the whole repository, then a corrupted copy of it
def test_verify_cli_exits_0_on_the_repository_and_1_on_a_corrupted_copy(repo: Path) -> None:
    ok = runner.invoke(app, ["verify", str(ROOT / "exercises"), str(ROOT / "solutions")])
    assert ok.exit_code == 0, ok.stdout
    line = corrupt(repo, "e^{2x} + 2 + e^{-2x}'\n      - say: 'Second", "e^{2x} + 4 + e^{-2x}'\n      - say: 'Second")
    bad = runner.invoke(app, ["verify", str(repo / "exercises"), str(repo / "solutions")])
    assert bad.exit_code == 1
    path = repo / SOLUTIONS
    assert re.search(rf"^{re.escape(str(path))}:{line}:\d+: `\(e\^x \+ e\^{{-x}}\)\^2 = ", bad.stdout, re.M), bad.stdout
    gh = runner.invoke(app, ["verify", str(path), "--format", "github"])
    assert gh.stdout.startswith(f"::error file={path},line={line},")


def test_a_missing_sheet_is_reported_at_the_sheet_key(repo: Path) -> None:
    line = corrupt(repo, "sheet: activation-derivatives\n", "sheet: no-such-sheet\n")
    (item,) = solution_items(repo / SOLUTIONS)
    (problem,) = item.run()
    assert (problem.line, "no sheet has `id: no-such-sheet`" in problem.message) == (line, True)


@pytest.mark.parametrize(("result", "words"), [
    (r"\frac{e^{-x}}{(1 + e^{-x})^2}", None),  # the answer alone is a claim: that it is the part's answer
    (r"\frac{e^{x}}{(1 + e^{-x})^2}", "is not the answer of `sigmoid.a`"),
])
def test_a_result_may_be_the_answer_alone(repo: Path, result: str, words: str | None) -> None:
    corrupt(repo, r"result: '\sigma''(x) = \frac{e^{-x}}{(1 + e^{-x})^2}'", f"result: '{result}'")
    found = [p.message for p in problems_of(repo)]
    assert (found == []) if words is None else any(words in m for m in found), found  # never "states nothing"
