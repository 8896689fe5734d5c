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
    assert root[1].tag == ns + "desc" and "Kinks of the derivative at x = 0" in desc
    assert "at x = 1 the derivative is 1" in desc
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


# --- the cold trial of issue 26: off the frame, far out, fake kinks, long numbers --------------------

COLD = """\
id: cold-plots
title: Plots far out
variables: [x]
questions:
  - id: softplus
    title: Softplus
    statement: The function below.
    function: log(1 + exp(x))
    parts:
      - {id: a, ask: Find the derivative., kind: expression, answer: 1/(1 + exp(-x)), derivative: true}
  - id: lorentz
    title: Lorentzian
    statement: The function below.
    function: 1/(1 + x^2)
    parts:
      - {id: a, ask: Find the derivative., kind: expression, answer: -2*x/(1 + x^2)^2, derivative: true}
  - id: recip
    title: Reciprocal
    statement: The function below.
    function: 1/x
    parts:
      - {id: a, ask: Find the derivative., kind: expression, answer: -1/x^2, derivative: true}
  - id: ht
    title: Hard tanh
    statement: The function below.
    function: Piecewise((-1, x < -1), (x, x <= 1), (1, x > 1))
    parts:
      - id: a
        ask: Find the derivative.
        kind: expression
        answer: 'Piecewise((0, x < -1), (1, (x > -1) & (x < 1)), (0, x > 1))'
        derivative: true
"""


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> Sheet:
    path = tmp_path_factory.mktemp("cold") / "cold.yaml"
    path.write_text(COLD, encoding="utf-8")
    return load(str(path))


NS = "{http://www.w3.org/2000/svg}"


def _arrows(text: str, colour: str) -> list[tuple[float, float]]:
    """The tips of the ▲▼ arrows of that colour (closed triangles of three points)."""
    out = []
    for e in ET.fromstring(text).iter(NS + "path"):
        d = e.get("d", "")
        if e.get("fill") == colour and d.endswith("Z") and d.count("L") == 2:
            pts = [tuple(float(v) for v in p.split(",")) for p in d.strip("MZ ").replace("L", "").split()]
            out.append(pts[1])
    return out


@pytest.mark.parametrize(("address", "answer"), [
    ("softplus.a", "10^100"), ("softplus.a", "exp(exp(exp(exp(exp(x)))))"),
    ("recip.a", "-1/x^2 if x < 700 else 1"), ("softplus.a", "exp(exp(exp(x)))")])
def test_an_answer_off_the_frame_is_still_shown(cold: Sheet, address: str, answer: str) -> None:
    """Never entering the right function's range, the answer was not drawn at all (no curve, no arrow,
    no marker), while the legend said "▲▼ off the plot": a wrong answer looked like no answer."""
    p = drawn(cold, address, answer)
    assert p is not None
    text = svg(p)
    tips = _arrows(text, "#D55E00")
    assert len(tips) >= 3  # a row of ▲ along where the answer is above the plot
    assert all(y < 34 for _, y in tips)  # on the top edge, pointing up
    assert "▲▼ off the plot" in text
    assert p.got is not None and p.got > p.y_range[1]
    marks = [e for e in ET.fromstring(text).iter(NS + "path") if e.get("fill") == "#D55E00"
             and e.get("stroke") == "#ffffff"]
    assert len(marks) == 1  # the counterexample's ◆, on the edge
    labels = [t.text or "" for t in ET.fromstring(text).iter(NS + "text") if t.get("fill") == "#D55E00"]
    assert any(t.startswith("▲ ") for t in labels)  # with its value written
    assert "your answer gives" in p.description and "off the plot" in p.description
    assert "Your answer goes above the plot, marked ▲" in p.description


def test_an_off_frame_value_is_written_short(cold: Sheet) -> None:
    p = drawn(cold, "softplus.a", "10^100")
    assert p is not None
    assert "1e100" in p.description and "0000000000" not in p.description
    assert any((t.text or "") == "▲ 1e100" for t in ET.fromstring(svg(p)).iter(NS + "text"))


def test_a_curve_off_to_minus_infinity_at_its_domain_edge_reaches_the_frame(cold: Sheet) -> None:
    """log(x) stopped at its last sample (x = 0.04, 12 px above the bottom) with no ▼."""
    p = drawn(cold, "lorentz.a", "log(x)")
    assert p is not None
    first = p.answer.segments[0][0]
    assert first[0] < 0.04 and first[1] < p.y_range[0]  # followed towards 0 until it leaves the frame
    tips = _arrows(svg(p), "#D55E00")
    assert any(y > 254 for _, y in tips)  # ▼ on the bottom edge where it leaves


def test_undefined_at_the_mark_is_said_as_drawn(cold: Sheet) -> None:
    p = drawn(cold, "lorentz.a", "log(x)")
    assert p is not None and p.got is None
    assert "your answer is undefined there" in p.description and "gives undefined" not in p.description
    text = svg(p)
    legend_diamonds = [e for e in ET.fromstring(text).iter(NS + "path")
                       if e.get("fill") == "#D55E00" and e.get("d", "").count("L") == 3]
    assert legend_diamonds == []  # no ◆, neither on the plot nor in the legend, for a mark not drawn
    assert any("your answer is undefined there" in (t.text or "") for t in ET.fromstring(text).iter(NS + "text"))


def test_ticks_far_out_are_distinct_and_fit(cold: Sheet) -> None:
    p = drawn(cold, "softplus.a", "1/(1+exp(-x)) if x < 10^6 else 0")
    assert p is not None
    assert "from 999996 to 1000004" in p.description
    root = ET.fromstring(svg(p))
    bottom = [t for t in root.iter(NS + "text") if t.get("y") == "270"]
    texts = [t.text for t in bottom if t.text]
    assert len(set(texts)) == len(texts) >= 2 and "1000000" in texts
    for t in bottom:  # inside the picture, with 9.5 units a character (the phone font)
        width = 7.5 * len(t.text or "")
        x = float(t.get("x", "0"))
        left = {"middle": x - width / 2, "end": x - width, "start": x}[t.get("text-anchor", "start")]
        assert left >= 0 and left + width <= 480
    p = drawn(cold, "recip.a", "-1/x^2 if x < 700 else 1")
    assert p is not None
    root = ET.fromstring(svg(p))
    left_labels = [t.text or "" for t in root.iter(NS + "text") if t.get("text-anchor") == "end" and t.get("x") == "48"]
    assert "×10⁻⁶" in left_labels  # the common factor said once
    assert all(len(t) <= 5 for t in left_labels)  # short mantissas: "−2", "1", not "−2.00e−06" cut at the left


def test_abs_inside_a_condition_is_no_kink(cold: Sheet) -> None:
    p = drawn(cold, "ht.a", "1 if abs(x) < 2 else 0")
    assert p is not None and 0.0 not in p.kinks and p.kinks == (-2.0, -1.0, 1.0, 2.0)
    p = drawn(cold, "ht.a", "1 if abs(x) > 1 else 0")
    assert p is not None
    assert p.words == ("Your answer is 1 for x < -1, where the derivative is 0; 0 for -1 < x < 1, where it is 1; "
                       "1 for x > 1, where it is 0.")


def test_words_write_huge_and_nearly_round_values_so_they_read_right(cold: Sheet) -> None:
    p = drawn(cold, "ht.a", "10^100 if x > 1 else Piecewise((0, x < -1), (1, x < 1)) ")
    assert p is not None and "1e+100 for x > 1" in p.words
    p = drawn(cold, "ht.a", "1 + 10^-30 if abs(x) < 1 else 0")
    assert p is not None and "1 + 1e-30 for -1 < x < 1" in p.words


def test_a_break_of_the_answer_is_not_called_a_kink_of_the_right_function(cold: Sheet) -> None:
    p = drawn(cold, "recip.a", "-1/x^2 if x < 700 else 1")
    assert p is not None and p.kinks == (700.0,) and p.breaks == (700.0,)
    assert "Your answer alone changes at x = 700." in p.description and "Kinks" not in p.description
    assert "dotted: your answer changes" in svg(p) and "dotted: kink" not in svg(p)
    assert from_json(json.loads(json.dumps(p.to_json()))) == p


def test_a_long_value_near_a_short_one_is_not_shortened_into_it(cold: Sheet) -> None:
    """Shortening 101 digits to 1e100 must not turn 0.5 + 10^-30 into 0.5, the expected value."""
    p = drawn(cold, "softplus.a", "1/(1+exp(-x)) + 10^-30")
    assert p is not None
    assert "your answer gives 0.500000000000000000000000000001" in p.description
