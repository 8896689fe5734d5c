"""A wrong answer's plot on the question page (class and practice pages share it): drawn for a wrong
expression, never for a right or unreadable one; stored as data and drawn by the page, escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from grader.serve import app as web
from grader.serve import pages
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "activation-derivatives"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workers: Workers) -> TestClient:
    db = tmp_path_factory.mktemp("plots") / "class.sqlite"
    loaded = pages.load_sheets([SHEET])
    return TestClient(web.create_app(loaded, Store(db), workers, web.Settings()))  # type: ignore[arg-type]


def _submit(client: TestClient, address: str, answer: str) -> str:
    page = client.get(f"/sheets/{SHEET}/q/{address.split('.')[0]}").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    reply = client.post(f"/sheets/{SHEET}/parts/{address}/answer", data={"csrf": token.group(1), "answer": answer})
    assert reply.status_code == 200
    start = reply.text.index(f'<section class="part" id="{address}"')
    return reply.text[start:reply.text.index("</section>", start)]


def test_a_wrong_answer_shows_its_plot_and_the_words(client: TestClient) -> None:
    part = _submit(client, "relu.a", "sign(x)")
    assert '<figure class="plot"><svg' in part and 'role="img"' in part
    assert "<title>Your answer and the derivative, plotted against x</title>" in part
    assert "<figcaption>Your answer is -1 for x &lt; 0, where the derivative is 0. It is right for x &gt; 0." in part
    assert " style=" not in part[part.index("<svg"):part.index("</svg>")]  # presentation attributes only (CSP)


def test_a_right_or_unreadable_answer_shows_none(client: TestClient) -> None:
    assert "<svg" not in _submit(client, "tanh.a", "tahn(x)")  # unreadable
    assert "<svg" not in _submit(client, "tanh.a", "4/(e^x+e^(-x))^2")  # right
    assert "<svg" not in _submit(client, "relu.b.left", "1")  # a wrong number: nothing to plot


def test_a_hostile_answer_draws_nothing_harmful(client: TestClient) -> None:
    for answer in ('<script>alert("x")</script>', 'x"><svg onload=alert(1)>', "exp(exp(exp(x)))"):
        part = _submit(client, "sigmoid.a", answer)
        assert "<script" not in part and "<svg onload" not in part


def test_stored_plot_data_is_drawn_escaped_or_not_at_all() -> None:
    assert str(web.plot_figure({"variable": "x"})) == ""  # not a plot: nothing
    assert str(web.plot_figure(None)) == ""
    data = {"variable": "x<script>", "x_range": [-1, 1], "y_range": [-1, 1], "kinks": [0],
            "answer": {"label": "<b>you</b>", "segments": [[[-1, 0], [1, 1]]]},
            "reference": {"label": '"ref"', "segments": [[[-1, 1], [1, 0]]]}, "at": 0.5, "at_text": "x = <1>",
            "expected": 0.5, "got": None, "expected_text": "<i>", "got_text": "undefined", "clipped": False}
    drawn = str(web.plot_figure(data))
    assert drawn.startswith("<svg") and "<script" not in drawn and "<b>" not in drawn and "<i>" not in drawn
    assert "&lt;b&gt;you&lt;/b&gt;" in drawn and "&quot;ref&quot;" in drawn


def test_the_page_styles_the_plot_to_fit_a_phone() -> None:
    css = (Path(web.__file__).parent / "static" / "style.css").read_text(encoding="utf-8")
    assert ".plot svg { display: block; width: 100%; max-width: 480px; height: auto; }" in css


def test_the_worker_draws_only_in_what_is_left_of_its_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed for drawing would turn a graded answer into an unchecked one: no time, no plot."""
    from grader.serve import work
    from grader.sheets.bundled import bundled_dir

    path = str(bundled_dir() / f"{SHEET}.yaml")
    data = work.grade_answer(path, 0, "relu.a", "sign(x)", 3.0)
    assert data["status"] == "incorrect" and data["plot"]["words"].startswith("Your answer is -1 for x < 0")
    monkeypatch.setattr(work, "PLOT_GRACE", -10.0)  # grading used it all
    data = work.grade_answer(path, 0, "relu.a", "sign(x)", 3.0)
    assert data["status"] == "incorrect" and "plot" not in data and "fingerprint" in data
