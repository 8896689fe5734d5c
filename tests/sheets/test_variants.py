"""Randomised questions: parameters in sheets, variants picked by a seed, and every place a seed reaches
(grader check, grader practice, grader show, batch grading and its grade files, grader verify)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sympy
from rich.console import Console, RenderableType
from typer.testing import CliRunner

from grader import sheets
from grader.batch.grade import grade_paths
from grader.batch.reports.write import grades_csv, write_results_json
from grader.cli import app
from grader.core.errors import SheetErrors
from grader.grading import grade as grading
from grader.practice.session import Session
from grader.sheets import solutions
from grader.sheets.model import Expression, ExpressionAnswer, Part, Sheet
from grader.sheets.variants import (
    MAX_VERIFIED,
    Filler,
    at_index,
    chosen,
    fill_solutions,
    index_for,
    pick,
    scoped,
    seed_for_student,
    variant_count,
    verified,
)
from grader.verify.run import verify_paths

runner = CliRunner()

DEMO = """\
id: demo
title: Demo
variables: [x]
questions:
  - id: scaled
    title: A scaled sigmoid
    parameters:
      k: [2, 3, 1/2]
    statement: |
      Let $f(x) = e^{{k}x}$ with $k = {k}$; as text, k is {k}.
    function: e^(k*x)
    parts:
      - id: a
        ask: Find $f'(x)$.
        kind: expression
        answer: k*e^(k*x)
        derivative: true
        hints: ['The chain rule gives a factor ${k}$.']
        mistakes:
          - answer: e^(k*x)
            message: 'The inner derivative ${k}$ is missing.'
"""

DEMO_SOLUTION = """\
sheet: demo
solutions:
  scaled.a:
    title: 'Compute $f''(x)$ for $k = {k}$'
    steps:
      - say: 'By the chain rule, with $k = {k}$,'
        math: '\\frac{d}{dx} e^{{k}x} = {k}e^{{k}x}'
    result: '\\frac{d}{dx} e^{{k}x} = {k}e^{{k}x}'
"""


@pytest.fixture(scope="module")
def smooth() -> Sheet:
    return sheets.load("smooth-activations")


@pytest.fixture(scope="module")
def kinks() -> Sheet:
    return sheets.load("piecewise-activations")


def _demo(tmp_path: Path, sheet: str = DEMO, solution: str = DEMO_SOLUTION) -> Path:
    (tmp_path / "exercises").mkdir(exist_ok=True)
    (tmp_path / "solutions").mkdir(exist_ok=True)
    (tmp_path / "exercises" / "demo.yaml").write_text(sheet, encoding="utf-8")
    (tmp_path / "solutions" / "demo.yaml").write_text(solution, encoding="utf-8")
    return tmp_path / "exercises" / "demo.yaml"


# --- the sheet format ------------------------------------------------------------------------------


def _answer(part: Part) -> Expression:
    assert isinstance(part.expects, ExpressionAnswer)
    return part.expects.answer


def test_parameters_are_names_in_expressions_and_placeholders_in_texts(tmp_path: Path) -> None:
    sheet = sheets.load(str(_demo(tmp_path)))
    question = sheet.questions[0]
    assert [p.name for p in question.parameters] == ["k"]
    assert variant_count(question) == 3 and sheet.randomised
    # without a seed: the first variant, so code that knows nothing of variants grades a real sheet
    x = sympy.Symbol("x", real=True)
    assert question.values[0][1].expr == 2
    assert _answer(sheet.part("scaled.a")).expr == 2 * sympy.exp(2 * x)
    assert "e^{2x}" in question.statement and "as text, k is 2." in question.statement
    third = at_index(sheet, "scaled", 2).questions[0]
    assert "e^{\\frac{1}{2}x}" in third.statement and "as text, k is 1/2." in third.statement
    assert third.parts[0].mistakes[0].message == "The inner derivative $\\frac{1}{2}$ is missing."
    assert _answer(third.parts[0]).text == "(1/2)*e^((1/2)*x)"


@pytest.mark.parametrize(("old", "new", "words"), [
    ("k: [2, 3, 1/2]", "x: [2, 3]", "`x` cannot name a parameter"),
    ("k: [2, 3, 1/2]", "e: [2, 3]", "`e` cannot name a parameter"),
    ("k: [2, 3, 1/2]", "k: [2, 2]", "lists the value `2` twice"),
    ("k: [2, 3, 1/2]", "k: [2, y]", "does not parse"),
    ("k: [2, 3, 1/2]", "k: []", "needs at least one value"),
    ("Let $f(x) = e^{{k}x}$ with $k = {k}$; as text, k is {k}.", "Let f be given.", "never shows its parameter `k`"),
    ("k: [2, 3, 1/2]", "kk: [2, 3]", "never shows its parameter `kk`"),
    ("factor ${k}$.']", "factor ${kk}$.']", "placeholder `{kk}`, which is no parameter"),
])
def test_parameter_errors_are_located(tmp_path: Path, old: str, new: str, words: str) -> None:
    path = _demo(tmp_path, DEMO.replace(old, new))
    with pytest.raises(SheetErrors) as err:
        sheets.load(str(path))
    assert any(words in e.problem and e.line > 1 for e in err.value.errors), [str(e) for e in err.value.errors]


def test_filler_writes_values_as_authored() -> None:
    values = (("a", sheets.Expression("0.01", sympy.Rational(1, 100), None)),  # type: ignore[arg-type]
              ("b", sheets.Expression("-1/2", sympy.Rational(-1, 2), None)))  # type: ignore[arg-type]
    fill = Filler(values)  # type: ignore[arg-type]
    assert fill.markdown("slope {a}, $f = {a}x - {b}x$, {c}") == "slope 0.01, $f = 0.01x - (- \\frac{1}{2})x$, {c}"
    assert fill.markdown("as text {b}") == "as text (-1/2)"
    assert fill.latex("{b}e^{{a}x}") == "(- \\frac{1}{2})e^{0.01x}"


# --- seeds -----------------------------------------------------------------------------------------


def test_seeds_are_stable_across_runs_and_machines() -> None:
    """sha256, not hash(): these values are in instructors' grade files and must never change."""
    assert index_for(7, "piecewise-activations", "leaky_relu", 3) == 2
    assert index_for(1, "smooth-activations", "swish", 3) == 0
    assert seed_for_student("s1234567") == 796150
    assert seed_for_student("ann") == 163251


def test_pick_is_deterministic_and_covers_every_variant(smooth: Sheet) -> None:
    betas = [pick(smooth, seed).questions[3].values[0][1].text for seed in range(8)]
    assert betas == [pick(smooth, seed).questions[3].values[0][1].text for seed in range(8)]
    assert set(betas) == {"0.5", "2", "3"}
    assert pick(smooth, None) is smooth  # already the first variant


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_a_randomised_question_is_right_for_its_own_variant_only(smooth: Sheet, seed: int) -> None:
    mine = pick(smooth, seed)
    beta = _answer(mine.part("swish.a"))
    value = dict(mine.questions[3].values)["beta"].text
    assert beta is not None
    right = f"σ({value}x) + {value}x σ({value}x)(1 - σ({value}x))"
    assert grading.grade(scoped(mine, "swish.a"), "swish.a", right).status == "correct"
    assert grading.grade(scoped(mine, "swish.a"), "swish.a", "σ(βx) + βx σ(βx)(1 - σ(βx))").status == "correct"
    for other in {"0.5", "2", "3"} - {value}:
        wrong = f"σ({other}x) + {other}x σ({other}x)(1 - σ({other}x))"
        result = grading.grade(scoped(mine, "swish.a"), "swish.a", wrong)
        assert result.status == "incorrect", (value, other)


def test_a_parameter_name_needs_its_question_in_scope(kinks: Sheet) -> None:
    answer = "α if x < 0 else 1"
    assert grading.grade(scoped(kinks, "leaky_relu.a"), "leaky_relu.a", answer).status == "correct"
    unscoped = grading.grade(kinks, "leaky_relu.a", answer)
    assert unscoped.status == "invalid"  # never silently wrong: an unknown name
    assert grading.grade(scoped(kinks, "elu.a"), "elu.a", "α e^x if x < 0 else 1").status == "correct"


# --- grader check / show / practice -----------------------------------------------------------------


def test_check_seed_picks_the_variant_and_reports_it() -> None:
    args = ["check", "leaky_relu.a", "0.2 if x < 0 else 1", "--sheet", "piecewise-activations"]
    ok = runner.invoke(app, [*args, "--seed", "7", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["variant"] == {"seed": 7, "values": {"alpha": "0.2"}}
    wrong = runner.invoke(app, [*args, "--seed", "1", "--no-color"])
    assert wrong.exit_code == 1 and "Variant alpha=0.1 (seed 1)" in wrong.stdout
    first = runner.invoke(app, [*args[:-2], "--sheet", "piecewise-activations", "--json"])
    assert json.loads(first.stdout)["variant"]["seed"] is None
    plain = runner.invoke(app, ["check", "sigmoid.a", "σ(x)(1-σ(x))", "--json"])
    assert "variant" not in json.loads(plain.stdout)


def test_check_and_show_fill_the_worked_solution() -> None:
    out = runner.invoke(app, ["check", "leaky_relu.b.left", "0.2", "--sheet", "piecewise-activations", "--seed", "7",
                              "--solution", "--json"])
    solution = json.dumps(json.loads(out.stdout)["worked_solution"])
    assert "0.2" in solution and "{alpha}" not in solution
    shown = runner.invoke(app, ["show", "swish", "--sheet", "smooth-activations", "--seed", "0", "--solution",
                                "--no-color"])
    assert shown.exit_code == 0 and "σ(2x)" in shown.stdout and "{beta}" not in shown.stdout


def _play(sheet: Sheet, lines: list[str], seed: int) -> str:
    out = Console(file=io.StringIO(), no_color=True, width=120, highlight=False)
    script = iter(lines)

    def read_line(prompt: str) -> str:
        line = next(script, None)
        if line is None:
            raise EOFError
        return line

    def show(renderable: RenderableType) -> None:
        out.print(renderable)

    session = Session(sheet, read_line, show, solutions=solutions.load_for(sheet), seed=seed, only=["swish.a"])
    summary = session.run()
    assert isinstance(out.file, io.StringIO)
    return f"{summary.points}\n{out.file.getvalue()}"


def test_practice_seed_picks_the_variant(smooth: Sheet) -> None:
    text = _play(smooth, ["σ(2x) + 2x σ(2x)(1 - σ(2x))"], seed=0)  # seed 0: beta = 2
    assert text.startswith("2.0") and "σ(2x)" in text and "{beta}" not in text
    text = _play(smooth, ["σ(2x) + 2x σ(2x)(1 - σ(2x))", ":skip"], seed=1)  # seed 1: beta = 0.5
    assert text.startswith("0") and "σ(0.5x)" in text


# --- batch grading ------------------------------------------------------------------------------------


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_batch_seeds_from_student_id_or_file_and_records_them(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    alpha_of = {seed: dict(pick(sheets.load("piecewise-activations"), seed).questions[0].values)["alpha"].text
                for seed in (7, seed_for_student("ann"))}
    files = {
        "ann.yaml": {"student": "ann", "answers": {"leaky_relu.a": f"{alpha_of[seed_for_student('ann')]} if x < 0 "
                                                                   "else 1", "leaky_relu.b.left": "α"}},
        "ben.yaml": {"student": "ben", "seed": "7", "answers": {"leaky_relu.a": f"{alpha_of[7]} if x < 0 else 1"}},
        "cid.yaml": {"student": "cid", "seed": "7", "answers": {"leaky_relu.a": "0.01 if x < 0 else 1",
                                                                "selu.c": "λα"}},  # a named constant
    }
    for name, data in files.items():
        data["sheet"] = "piecewise-activations"
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    batch = grade_paths([str(folder)], jobs=1)
    rows = {row.student: row for row in batch.rows}
    assert rows["ann"].seed == seed_for_student("ann") and rows["ben"].seed == 7
    assert rows["ben"].variant["leaky_relu"] == {"alpha": "0.2"}
    status = {s: {a.address: a.status for a in r.answers} for s, r in rows.items()}
    assert status["ann"]["leaky_relu.a"] == status["ann"]["leaky_relu.b.left"] == "correct"
    assert status["ben"]["leaky_relu.a"] == "correct"
    assert status["cid"]["leaky_relu.a"] == "incorrect"  # alpha = 0.2 for seed 7, not 0.01
    assert status["cid"]["selu.c"] == "correct"
    csv = grades_csv(batch).splitlines()
    assert csv[0].endswith(",status,seed,variant") and "7,leaky_relu: alpha=0.2; elu: alpha=0.5" in csv[2]
    stream = io.StringIO()
    write_results_json(batch, stream)
    data = json.loads(stream.getvalue())
    assert stream.getvalue() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    ben = next(s for s in data["submissions"] if s["student"] == "ben")
    assert ben["seed"] == 7 and ben["variant"] == {"elu": {"alpha": "0.5"}, "leaky_relu": {"alpha": "0.2"}}


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_batch_rejects_a_bad_seed(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("student: a\nseed: -3\nanswers: {}\n", encoding="utf-8")
    batch = grade_paths([str(tmp_path)], jobs=1)
    assert "`seed` must be a whole number" in batch.rows[0].unreadable


# --- grader verify --------------------------------------------------------------------------------


def test_verify_checks_every_variant_and_names_it(tmp_path: Path) -> None:
    _demo(tmp_path)
    assert verify_paths([str(tmp_path / "exercises"), str(tmp_path / "solutions")]) == []
    # a mistake that is right in one variant only: e^(kx) * k equals... 2e^(2x) only when k = 2
    _demo(tmp_path, DEMO.replace("answer: e^(k*x)\n", "answer: 2*e^(k*x)\n"))
    problems = verify_paths([str(tmp_path / "exercises")])
    assert [p.message[:38] for p in problems] == ["[fails for k=2, holds for k=3 and k=1/"], \
        [p.text() for p in problems]
    # a worked-solution step that holds for one variant only
    _demo(tmp_path, DEMO, DEMO_SOLUTION.replace("= {k}e^{{k}x}'\n", "= 2e^{{k}x}'\n", 1))
    problems = verify_paths([str(tmp_path / "solutions")])
    # said once, with the variants it fails in (it was said once per variant)
    assert [p.message.split("]")[0] + "]" for p in problems] == ["[fails for k=3 (shown) and k=1/2, holds for k=2]"], \
        [p.text() for p in problems]


def test_verify_samples_when_there_are_many_variants(tmp_path: Path) -> None:
    many = DEMO.replace("k: [2, 3, 1/2]", "k: [2, 3, 1/2, 4, 5]\n      m: [1, 2, 3, 4, 5]").replace(
        "as text, k is {k}.", "and m = {m}.")
    sheet = sheets.load(str(_demo(tmp_path, many)))
    question = sheet.questions[0]
    assert variant_count(question) == 25
    labels = [label for label, _, _ in verified(sheet, question)]
    assert len(labels) == MAX_VERIFIED and labels[0] == "[k=2, m=1]" and labels[-1] == "[k=5, m=5]"


def test_fill_solutions_leaves_plain_sheets_alone(kinks: Sheet) -> None:
    first = sheets.load("activation-derivatives")
    raw = solutions.load_for(first)
    assert fill_solutions(raw, first) is raw
    filled = fill_solutions(solutions.load_for(kinks), pick(kinks, 7))
    assert filled is not None
    assert "0.2" in filled.solutions["leaky_relu.a"].result.latex  # type: ignore[union-attr]


def test_the_choice_of_variants_is_what_picks_the_sheet(smooth: Sheet) -> None:
    """Two seeds with the same `chosen` indices pick equal sheets: what is made from the picked sheet
    (the class server's filled worked solutions) is kept by the choice, not by the seed."""
    by_choice: dict[tuple[int, ...], Sheet] = {}
    for seed in range(40):
        choice = chosen(smooth, seed)
        assert by_choice.setdefault(choice, pick(smooth, seed)) == pick(smooth, seed)
    assert len(by_choice) == 3 and chosen(smooth, None) == (0,) * len(smooth.questions)
