"""Item analysis through `grader grade` (issue 26): a class built to give known figures, checked
against an independent computation over grades.csv."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

pytestmark = pytest.mark.system  # grades with batch's worker pool: forks its worker processes


def test_a_class_built_for_known_figures(tmp_path: Path) -> None:
    """`grader grade` on twelve students (negative discrimination is flagged from 10): sigmoid.a
    everyone gets (difficulty 1, discrimination
    undefined), tanh.a only the strong half (positive), relu.b.left only the weak half (negative);
    relu.a, relu.b.right and relu.b.differentiable rank them. Checked against statistics.correlation
    and statistics.quantiles over grades.csv."""
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(12):
        strong = i < 6
        answers = {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2" if strong else "1 + tanh(x)^2",
                   "relu.b.left": "1" if strong else "0", "relu.a": "Heaviside(x)" if i < 5 else "x",
                   "relu.b.right": "1" if i < 8 else "0", "relu.b.differentiable": "no" if i < 3 else "yes"}
        body = "".join(f"  {part}: '{text}'\n" for part, text in answers.items())
        (subs / f"s{i}.yaml").write_text(f"student: s{i}\nanswers:\n{body}", encoding="utf-8")
    ran = CliRunner().invoke(app, ["grade", str(subs), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    items = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["summary"]["item_analysis"]
    parts = {p["address"]: p for p in items["parts"]}
    assert (parts["sigmoid.a"]["difficulty"], parts["sigmoid.a"]["discrimination"]) == (1.0, None)
    assert parts["tanh.a"]["discrimination"] > 0.5 and parts["relu.b.left"]["discrimination"] < -0.5
    assert ("negative-discrimination", "relu.b.left") in {(f["kind"], f["part"]) for f in items["flags"]}
    with (tmp_path / "out" / "grades.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    addresses = [p["address"] for p in items["parts"]]
    scores = {a: [float(r[a]) for r in rows] for a in addresses}
    totals = [float(r["total"]) for r in rows]
    for a in addresses:
        rest = [t - s for t, s in zip(totals, scores[a], strict=True)]
        varied = len(set(scores[a])) > 1 and len(set(rest)) > 1
        expected = statistics.correlation(scores[a], rest) if varied else None
        assert parts[a]["discrimination"] == (None if expected is None else pytest.approx(expected, abs=1e-6)), a
        assert parts[a]["difficulty"] == pytest.approx(statistics.fmean(scores[a]) / parts[a]["points"])
    q1, median, q3 = statistics.quantiles(totals, n=4, method="inclusive")
    assert items["totals"]["median"] == pytest.approx(median) == pytest.approx(statistics.median(totals))
    assert (items["totals"]["q1"], items["totals"]["q3"]) == (pytest.approx(q1), pytest.approx(q3))
    assert items["totals"]["sd"] == pytest.approx(statistics.stdev(totals))


def test_a_randomised_part_compares_a_group_with_the_right_answers_of_its_variant(tmp_path: Path) -> None:
    """The cold trial: on a randomised sheet, "one wrong answer (6 students) is more common than the right
    one (2)" set a group of one variant against the right answers of all, and its answer was right for
    another variant. Twelve students all answer `0.1`, Leaky ReLU's left slope for alpha = 0.1: right for
    the third of them with that variant, wrong for the others, and said to be right for alpha=0.1."""
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(12):
        (subs / f"v{i:02}.yaml").write_text(f"student: v{i:02}\nsheet: piecewise-activations\nanswers:\n"
                                            "  leaky_relu.b.left: '0.1'\n", encoding="utf-8")
    ran = CliRunner().invoke(app, ["grade", str(subs), "--sheet", "piecewise-activations", "--out",
                                   str(tmp_path / "out"), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    by_variant: dict[str, list[str]] = {}
    for sub in results["submissions"]:
        answer = sub["answers"]["leaky_relu.b.left"]
        by_variant.setdefault(sub["variant"]["leaky_relu"]["alpha"], []).append(answer["status"])
    assert set(by_variant["0.1"]) == {"correct"} and all(set(v) == {"incorrect"} for k, v in by_variant.items()
                                                            if k != "0.1")
    (flag,) = [f for f in results["summary"]["item_analysis"]["flags"]
               if (f["kind"], f["part"]) == ("wrong-beats-right", "leaky_relu.b.left")]
    top = results["summary"]["item_analysis"]["parts"][1]["top_wrong"]["students"]
    variant = next(k for k, v in by_variant.items() if k != "0.1" and len(v) == top)
    assert f"({top} students) is more common than the right one of variant `alpha={variant}` (0 students)" \
        in flag["words"]
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Right for `alpha=0.1`: another variant's question was answered" in summary
    assert "Right for <code>alpha=0.1</code>: another variant&#x27;s question was answered" in report
