"""A wrong answer's plot (grader.grading.plots, plot_words, plot_svg): the data, the words, the SVG.

The plot must never draw a line across a pole or a jump, mark the kinks and the counterexample, draw
nothing for right, invalid or non-expression answers, and stay harmless and bounded for hostile ones."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pytest

from grader.core import limits
from grader.grading.grade import grade
from grader.grading.plot_svg import svg, ticks
from grader.grading.plots import Plot, from_json, plot, words
from grader.sheets import cache, variants
from grader.sheets.files import load
from grader.sheets.model import Sheet

OWN = """\
id: own-activations
title: Three more activations
variables: [x]
definitions:
  - name: softplus
    params: [x]
    body: log(1 + e^x)
    about: a smooth ReLU
questions:
  - id: leaky
    title: Leaky ReLU
    statement: The function below.
    function: Piecewise((x/10, x < 0), (x, x >= 0))
    parts:
      - id: a
        ask: Find the derivative.
        kind: expression
        answer: Piecewise((1/10, x < 0), (1, x > 0))
        derivative: true
        at_kinks: between
  - id: softplus
    title: Softplus
    statement: The function below.
    function: softplus(x)
    parts:
      - id: a
        ask: Find the derivative.
        kind: expression
        answer: 1/(1 + e^(-x))
        derivative: true
  - id: bump
    title: A bump
    statement: The function below.
    function: 1/(1 + x^2)
    parts:
      - id: a
        ask: Find the derivative.
        kind: expression
        answer: -2x/(1 + x^2)^2
        derivative: true
  - id: steps
    title: A staircase
    statement: The function below.
    function: Heaviside(x) + Heaviside(x - 1/3)
    parts:
      - id: a
        ask: Give the function itself.
        kind: expression
        answer: Heaviside(x) + Heaviside(x - 1/3)
"""


@pytest.fixture(scope="module")
def bundled() -> Sheet:
    return cache.load("activation-derivatives")


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Sheet:
    path = tmp_path_factory.mktemp("own") / "own.yaml"
    path.write_text(OWN, encoding="utf-8")
    return load(str(path))


def drawn(sheet: Sheet, address: str, answer: str) -> Plot | None:
    scoped = variants.scoped(sheet, address)
    return plot(scoped, address, answer, grade(scoped, address, answer))


def _crosses(p: Plot, which: str, x: float) -> bool:
    """Whether a joined run of the curve has points on both sides of x (a line drawn across it)."""
    curve = p.answer if which == "answer" else p.reference
    return any(seg[0][0] < x < seg[-1][0] for seg in curve.segments if len(seg) > 1)


# --- the data -------------------------------------------------------------------------------------


def test_relu_mirrored_step_kink_and_counterexample_marked(bundled: Sheet) -> None:
    p = drawn(bundled, "relu.a", "Heaviside(-x)")
    assert p is not None
    assert p.kinks == (0.0,)  # the ReLU-type kink, marked
    assert p.at_text == "x = 1" and p.expected == 1.0 and p.got == 0.0  # the counterexample, marked
    assert p.x_range[0] <= -2 and p.x_range[1] >= 4  # around the counterexample, the kink inside
    assert not _crosses(p, "answer", 0.0) and not _crosses(p, "reference", 0.0)  # no line across the jump
    assert p.reference.label == "the derivative" and p.answer.label == "your answer"
    assert p.words == "Your answer is 1 for x < 0, where the derivative is 0, and 0 for x > 0, where it is 1."


def test_no_line_across_a_pole_even_between_samples(bundled: Sheet) -> None:
    p = drawn(bundled, "sigmoid.a", "1/x")
    assert p is not None and not _crosses(p, "answer", 0.0)
    assert p.got is None and p.clipped  # undefined at the counterexample x = 0; the spikes are cut off
    p = drawn(bundled, "sigmoid.a", "1/(x - 1/7)")  # 1/7 is no sample point: found by the enclosures
    assert p is not None and not _crosses(p, "answer", 1 / 7)
    assert len(p.answer.segments) >= 2
    p = drawn(bundled, "tanh.a", "tan(x)")  # irrational poles at ±π/2
    assert p is not None
    for pole in (-math.pi / 2, math.pi / 2):
        if p.x_range[0] < pole < p.x_range[1]:
            assert not _crosses(p, "answer", pole)


def test_the_break_comes_from_the_enclosures(bundled: Sheet, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above means something: were every stretch taken as bounded, the line would cross."""
    from grader.grading.plot_curves import Sampler

    monkeypatch.setattr(Sampler, "enclose", lambda self, a, b: (0.0, 0.0))
    p = drawn(bundled, "sigmoid.a", "1/(x - 1/7)")
    assert p is not None and _crosses(p, "answer", 1 / 7)


def test_no_line_across_a_jump_of_a_step_function(own: Sheet) -> None:
    p = drawn(own, "steps.a", "Heaviside(x)")
    assert p is not None
    assert p.kinks == (0.0, pytest.approx(1 / 3))
    for jump in (0.0, 1 / 3):
        assert not _crosses(p, "reference", jump)
    assert not _crosses(p, "answer", 0.0)


def test_a_continuous_function_stays_one_line_through_smooth_stretches(bundled: Sheet) -> None:
    p = drawn(bundled, "sigmoid.a", "sigma(x)*(1+sigma(x))")
    assert p is not None
    assert len(p.reference.segments) == 1 and len(p.answer.segments) == 1
    assert p.words == ""  # nothing constant to say: the counterexample sentence says it


def test_nothing_for_right_invalid_and_other_kinds(bundled: Sheet) -> None:
    assert drawn(bundled, "relu.a", "Heaviside(x)") is None  # right
    assert drawn(bundled, "relu.a", "Heaviside(x") is None  # unreadable
    assert drawn(bundled, "relu.a", "<script>alert(1)</script>") is None
    assert drawn(bundled, "relu.a", 'x"') is None
    assert drawn(bundled, "relu.b.left", "1") is None  # a number part
    assert drawn(bundled, "relu.b.differentiable", "yes") is None  # a choice part
    assert drawn(bundled, "sigmoid.b", "e^-x/(1+e^-x)^2\n= σ(x)(1+σ(x))") is None  # a derivation


def test_several_variables_a_slice_along_the_derivative_variable() -> None:
    sheet = cache.load("backprop")
    p = drawn(sheet, "relu.a", "Piecewise((x, w*x + b < 0), (0, w*x + b > 0))")
    assert p is not None and p.variable == "w"
    assert p.fixed and "x = " in p.fixed and "b = " in p.fixed  # the slice's other values
    assert len(p.kinks) == 1  # the kink w = -b/x of that slice
    assert p.words.endswith(f"(with {p.fixed}).")  # the words are about the slice
    p = drawn(sheet, "softmax.a", "0")  # a part with its own variable too
    assert p is None or p.variable in ("u", "z")


def test_hostile_answers_draw_nothing_harmful_and_end() -> None:
    sheet = cache.load("activation-derivatives")
    for answer in ("exp(exp(exp(x)))", "exp(exp(exp(exp(x))))", "sin(1/x)", "x^200*exp(x^200)",
                   "+".join(["sin(x*" + str(k) + ")" for k in range(1, 60)]), "log(-x^2-1)", "sqrt(-1-x^2)"):
        p = drawn(sheet, "relu.a", answer)
        if p is not None:
            ET.fromstring(svg(p))  # well-formed
            assert all(math.isfinite(v) for seg in p.answer.segments for pt in seg for v in pt)


def test_a_tiny_budget_draws_nothing_rather_than_a_doubtful_plot(
    bundled: Sheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "PLOT_EVALUATIONS", 50)
    assert drawn(bundled, "sigmoid.a", "1/x") is None


def test_words_for_the_bundled_relu_and_sigmoid_cases(bundled: Sheet) -> None:
    assert drawn(bundled, "relu.a", "sign(x)").words == (  # type: ignore[union-attr]
        "Your answer is -1 for x < 0, where the derivative is 0. It is right for x > 0.")
    assert drawn(bundled, "relu.a", "1").words == (  # type: ignore[union-attr]
        "Your answer is 1 for x < 0, where the derivative is 0. It is right for x > 0.")
    assert drawn(bundled, "relu.a", "5 if x == 0 else Heaviside(x)").words == (  # type: ignore[union-attr]
        "Your answer is right for x < 0 and for x > 0; it is wrong only at x = 0.")
    assert drawn(bundled, "relu.a", "x").words == ""  # not constant where it is wrong: the counterexample says it
    assert drawn(bundled, "sigmoid.a", "-e^(-x)/(1+e^(-x))^2").words == ""  # type: ignore[union-attr]


def test_words_for_a_sheet_of_my_own(own: Sheet) -> None:
    scoped = variants.scoped(own, "leaky.a")
    result = grade(scoped, "leaky.a", "Heaviside(x)")
    assert words(scoped, "leaky.a", "Heaviside(x)", result) == (
        "Your answer is 0 for x < 0, where the derivative is 0.1. It is right for x > 0.")
    p = drawn(own, "softplus.a", "e^x/(1+e^x)^2")
    assert p is not None and p.words == "" and p.kinks == ()
    p = drawn(own, "bump.a", "2x/(1+x^2)^2")
    assert p is not None and p.reference.label == "the derivative"
    p = drawn(own, "steps.a", "Heaviside(x)")
    assert p is not None and p.reference.label == "the expected answer"
    assert p.words == ("Your answer is 1 for x > 1/3, where the expected answer is 2. "
                       "It is right for x < 0 and for 0 < x < 1/3.")


def test_stored_as_json_and_read_back(bundled: Sheet) -> None:
    p = drawn(bundled, "relu.a", "sign(x)")
    assert p is not None
    assert from_json(json.loads(json.dumps(p.to_json()))) == p
    for bad in (None, {}, {"variable": "x"}, [1, 2], "svg", {**p.to_json(), "answer": {"label": 1}}):
        assert from_json(bad) is None


# --- the SVG --------------------------------------------------------------------------------------


def test_svg_is_accessible_deterministic_and_needs_no_style_element(bundled: Sheet) -> None:
    p = drawn(bundled, "relu.a", "Heaviside(-x)")
    assert p is not None
    text = svg(p)
    assert text == svg(drawn(bundled, "relu.a", "Heaviside(-x)"))  # type: ignore[arg-type]  # same bytes
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == ns + "svg" and root.get("role") == "img"
    assert root[0].tag == ns + "title" and "Your answer and the derivative" in (root[0].text or "")
    desc = root[1].text or ""
    assert root[1].tag == ns + "desc" and "Kinks at x = 0" in desc and "at x = 1 the derivative is 1" in desc
    assert "<script" not in text and "<style" not in text and " style=" not in text and " id=" not in text
    legends = [t.text for t in root.iter(ns + "text")]
    assert "the derivative" in legends and "your answer" in legends
    dashes = {e.get("stroke-dasharray") for e in root.iter(ns + "path") if e.get("stroke") == "#D55E00"}
    assert dashes == {"7 4"}  # the answer is dashed as well as coloured
    assert any(e.get("stroke-dasharray") == "2 3" for e in root.iter(ns + "line"))  # the kink


def test_svg_text_is_escaped() -> None:
    hostile = Plot("x", (-1.0, 1.0), (-1.0, 1.0), curve_of('your "answer" <script>alert(1)</script>'),
                   curve_of("the <b>derivative</b> & co"), (0.0,), 0.5, 'x = "1"<', 1.0, None,
                   "<1>", "undefined", False, fixed="b = <i>", words="</desc><script>x</script>")
    text = svg(hostile)
    ET.fromstring(text)
    assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text and "&quot;answer&quot;" in text


def curve_of(label: str) -> object:
    from grader.grading.plots import Curve

    return Curve(label, (((-1.0, 0.0), (1.0, 1.0)),))


def test_svg_clips_lines_to_the_frame_and_marks_where_they_leave(bundled: Sheet) -> None:
    p = drawn(bundled, "sigmoid.a", "1/x")
    assert p is not None and p.clipped
    text = svg(p)
    assert "off the plot" in text
    root = ET.fromstring(text)
    for e in root.iter("{http://www.w3.org/2000/svg}path"):
        for number in e.get("d", "").replace("M", " ").replace("L", " ").replace("Z", " ").split():
            x, y = (float(v) for v in number.split(","))
            assert -10 <= x <= 500 and -10 <= y <= 310  # nothing drawn far outside the picture


def test_ticks_are_round_numbers() -> None:
    assert ticks(-3, 5, 8) == [-3, -2, -1, 0, 1, 2, 3, 4, 5]
    assert ticks(-0.06, 1.06, 5) == [0, 0.5, 1.0]
    assert ticks(-0.06, 1.06, 10) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert ticks(1, 1) == []
