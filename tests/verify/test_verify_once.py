"""`grader verify` says each problem once, at its line: a wrong expression inside a chain (it broke both
links), a problem of a randomised question's solution (it was said once per variant), and an unpaired `$`
in a text students read (it passed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.verify.run import verify_paths

SHEET = """\
id: my-swish
title: Swish
variables: [x]
definitions:
  - {name: sigma, aliases: [σ], params: [t], body: 1/(1 + e^(-t))}
questions:
  - id: swish
    title: Swish
    statement: 'Let $f(x) = x\\,\\sigma(\\beta x)$ with $\\beta = {beta}$.'
    parameters:
      beta: [1/2, 1, 2]
    function: x*sigma(beta*x)
    parts:
      - id: a
        ask: 'Find $f''(x)$.'
        kind: expression
        answer: sigma(beta*x) + beta*x*sigma(beta*x)*(1 - sigma(beta*x))
        derivative: true
        hints:
          - 'Use the product rule on $x \\cdot \\sigma(\\beta x)$.'
        mistakes:
          - answer: sigma(beta*x)
            message: 'The product rule: $x$ depends on $x too.'
"""
MESSAGE_LINE = 23

SOLUTIONS = """\
sheet: my-swish
solutions:
  swish.a:
    title: 'Swish'
    steps:
      - say: 'Chain rule:'
        chain:
          - '\\frac{d}{dx}\\sigma({beta} x)'
          - '{beta}\\sigma({beta} x)(1 - \\sigma({beta} x))'
          - '{beta}\\sigma({beta} x) - {beta}\\sigma({beta} x)^2'
      - say: 'Product rule:'
        math: '\\frac{d}{dx}\\left(x σ({beta} x)\\right) = σ({beta} x) + {beta} x σ({beta} x)(1 - σ({beta} x))'
    result: '\\frac{d}{dx}\\left(x σ({beta} x)\\right) = σ({beta} x) + {beta} x σ({beta} x)(1 - σ({beta} x))'
"""
MIDDLE_LINE = 9


def run(tmp_path: Path, sheet: str = SHEET, solutions: str = SOLUTIONS) -> list[str]:
    for folder in ("exercises", "solutions"):
        (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / "exercises" / "swish-week.yaml").write_text(sheet, encoding="utf-8")
    (tmp_path / "solutions" / "swish-worked.yaml").write_text(solutions, encoding="utf-8")
    problems = verify_paths([str(tmp_path / "exercises"), str(tmp_path / "solutions")])
    return [f"{Path(p.path).name}:{p.line}:{p.col}: {p.message}" for p in problems]


def fixed(sheet: str) -> str:
    return sheet.replace("on $x too.", "on $x$ too.")


def test_an_unpaired_dollar_in_a_mistake_message_is_an_error_at_it(tmp_path: Path) -> None:
    got = run(tmp_path)
    column = SHEET.splitlines()[MESSAGE_LINE - 1].index("$x too") + 1
    assert got == [f"swish-week.yaml:{MESSAGE_LINE}:{column}: this `message` text opens math with `$` and never "
                   "closes it: `$x too.` (close it with `$`, or write `\\$` for a dollar sign)"]
    assert run(tmp_path, fixed(SHEET)) == []


@pytest.mark.parametrize("text", ["'Costs \\$5 and $x$.'", "'$$x^2$$ and $y$'", "|\n            $x$ and\n"
                                                                                  "            $y$ here"])
def test_paired_dollars_display_math_and_escaped_dollars_pass(tmp_path: Path, text: str) -> None:
    sheet = fixed(SHEET).replace("'Use the product rule on $x \\cdot \\sigma(\\beta x)$.'", text)
    assert run(tmp_path, sheet) == []


def test_an_unpaired_dollar_in_a_hint_or_solution_prose_is_at_its_own_line(tmp_path: Path) -> None:
    sheet = fixed(SHEET).replace("$x \\cdot", "x \\cdot")
    solutions = SOLUTIONS.replace("say: 'Chain rule:'", "say: 'Chain rule for $\\sigma:'")
    got = run(tmp_path, sheet, solutions)
    assert [g.split(": ", 1)[0].rsplit(":", 1)[0] for g in got] == ["swish-week.yaml:20", "swish-worked.yaml:6"], got


def test_a_wrong_expression_inside_a_chain_is_one_problem_said_once_over_variants(tmp_path: Path) -> None:
    # β forgotten in the middle of the chain: both links failed, in two of the three variants: 4 problems
    wrong = SOLUTIONS.replace("          - '{beta}\\sigma({beta} x)(1 - ", "          - '\\sigma({beta} x)(1 - ")
    got = run(tmp_path, fixed(SHEET), wrong)
    assert len(got) == 1, got
    assert got[0].startswith(f"swish-worked.yaml:{MIDDLE_LINE}:13: [fails for beta=1/2 (shown) and beta=2, holds "
                             "for beta=1] `\\frac{d}{dx}\\sigma(\\frac{1}{2} x) = \\sigma(\\frac{1}{2} x)"), got
    assert got[0].endswith("so this one breaks the chain"), got


def test_a_problem_in_every_variant_with_the_same_words_is_said_plainly(tmp_path: Path) -> None:
    broken = SOLUTIONS.replace("'Product rule:'\n        math: '\\frac{d}{dx}\\left(x", "'Product rule:'\n        "
                               "math: '\\frac{d}{dx}\\left(x +* ")
    got = run(tmp_path, fixed(SHEET), broken)
    assert len(got) == 1 and got[0].startswith("swish-worked.yaml:12:") and "[" not in got[0].split(": ")[1][:1], got
    assert "does not parse" in got[0]


def test_a_problem_in_every_variant_in_other_words_names_one(tmp_path: Path) -> None:
    wrong = SOLUTIONS.replace("{beta}\\sigma({beta} x) - {beta}\\sigma({beta} x)^2", "3\\sigma({beta} x)")
    got = run(tmp_path, fixed(SHEET), wrong)
    assert len(got) == 1, got
    assert got[0].startswith("swish-worked.yaml:10:13: [fails for every variant, e.g. beta=1/2] "), got


def test_a_variant_s_problem_points_into_the_line_as_written(tmp_path: Path) -> None:
    # the column was counted in the text with the value written in (`\frac{1}{2}` for `{beta}`): off by 5
    wrong = SOLUTIONS.replace("= σ({beta} x) + {beta} x", "= σ({beta} x) + 3 x", 1)
    got = run(tmp_path, fixed(SHEET), wrong)
    line = wrong.splitlines()[11]
    assert len(got) == 1 and got[0].startswith(f"swish-worked.yaml:12:{line.index('σ({beta} x) + 3') + 1}: "), got


def test_many_variants_with_several_parameters_are_named_shortly() -> None:
    from grader.verify.problems import Item, Problem
    from grader.verify.said_once import merged

    labels = [f"[k={k}, m={m}]" for k in (1, 2, 3) for m in (1, 2)]
    runs = [(Item("s.yaml", f"q.a{label}", lambda: [], label),
             [Problem("s.yaml", 4, 2, f"{label} wrong at {i}")] if i < 5 else []) for i, label in enumerate(labels)]
    (p,) = merged(runs)
    assert p.message == ("[fails for (k=1, m=1) (shown), (k=1, m=2), (k=2, m=1), (k=2, m=2) and 1 more, holds for "
                         "(k=3, m=2)] wrong at 0")
