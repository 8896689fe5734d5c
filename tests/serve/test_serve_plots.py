"""A wrong answer's plot on the question page (class and practice pages share it): drawn for a wrong
expression, never for a right or unreadable one; drawn when the page asks for it (its own job, after
the grade), escaped, and kept."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from grader.grading import plots
from grader.serve import app as web
from grader.serve import pages, work
from grader.serve.store import Store
from grader.serve.workers import Workers
from grader.sheets.bundled import bundled_dir

SHEET = "activation-derivatives"
PATH = str(bundled_dir() / f"{SHEET}.yaml")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workers: Workers) -> TestClient:
    return _app(tmp_path_factory.mktemp("plots") / "class.sqlite", workers)


def _submit(client: TestClient, address: str, answer: str) -> str:
    page = client.get(f"/sheets/{SHEET}/q/{address.split('.')[0]}").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    reply = client.post(f"/sheets/{SHEET}/parts/{address}/answer", data={"csrf": token.group(1), "answer": answer})
    assert reply.status_code == 200
    start = reply.text.index(f'<section class="part" id="{address}"')
    return reply.text[start:reply.text.index("</section>", start)]


def _plot_url(part: str) -> str:
    found = re.search(r'<div class="plot-slot" data-plot="([^"]+)">', part)
    assert found, part
    return found.group(1).replace("&amp;", "&")


def test_a_wrong_answer_shows_its_plot_and_the_words(client: TestClient) -> None:
    part = _submit(client, "relu.a", "sign(x)")
    assert "<svg" not in part  # the grade came back without it: the page asks for it
    url = _plot_url(part)
    assert f'<a href="{url}">See your answer plotted against the right one</a>' in part  # without a script
    reply = client.get(url)
    assert reply.status_code == 200
    assert '<figure class="plot"><svg' in reply.text and 'role="img"' in reply.text
    assert "<title>Your answer and the derivative, plotted against x</title>" in reply.text
    assert ("<figcaption>Your answer is -1 for x &lt; 0, where the derivative is 0. It is right for x &gt; 0."
            in reply.text)
    svg = reply.text[reply.text.index("<svg"):reply.text.index("</svg>")]
    assert " style=" not in svg  # presentation attributes only (CSP)


def test_the_plot_is_of_the_answer_the_page_shows_and_only_the_students_own(client: TestClient) -> None:
    first = _plot_url(_submit(client, "sigmoid.a", "σ(x)^2"))
    second = _plot_url(_submit(client, "sigmoid.a", "1-σ(x)"))
    assert first != second
    assert "Your answer" in client.get(first).text
    assert client.get(first).text != client.get(second).text  # each page its own answer's, whatever came since
    for wrong in (second.replace("n=", "n=9"), second.replace("n=", "n=-"), second.split("?")[0]):
        assert "There is no plot for this answer." in client.get(wrong).text
    stranger = TestClient(client.app)  # another browser: another session, no answers
    assert "<svg" not in stranger.get(first).text


def test_a_right_or_unreadable_answer_shows_none(client: TestClient) -> None:
    assert "plot-slot" not in _submit(client, "tanh.a", "tahn(x)")  # unreadable
    assert "plot-slot" not in _submit(client, "tanh.a", "4/(e^x+e^(-x))^2")  # right
    assert "plot-slot" not in _submit(client, "relu.b.left", "1")  # a wrong number: nothing to plot


def test_a_hostile_answer_draws_nothing_harmful(client: TestClient) -> None:
    for answer in ('<script>alert("x")</script>', 'x"><svg onload=alert(1)>', "exp(exp(exp(x)))"):
        part = _submit(client, "sigmoid.a", answer)
        assert "<script" not in part and "<svg onload" not in part
        if "plot-slot" in part:
            drawn = client.get(_plot_url(part)).text
            assert "<script>alert" not in drawn and "<svg onload" not in drawn


def test_plot_data_is_drawn_escaped_or_not_at_all() -> None:
    assert plots.from_json({"variable": "x"}) is None  # not a plot: nothing
    assert plots.from_json(None) is None
    data = {"variable": "x<script>", "x_range": [-1, 1], "y_range": [-1, 1], "kinks": [0],
            "answer": {"label": "<b>you</b>", "segments": [[[-1, 0], [1, 1]]]},
            "reference": {"label": '"ref"', "segments": [[[-1, 1], [1, 0]]]}, "at": 0.5, "at_text": "x = <1>",
            "expected": 0.5, "got": None, "expected_text": "<i>", "got_text": "undefined", "clipped": False}
    drawn_data = plots.from_json(data)
    assert drawn_data is not None
    drawn = str(web.plot_figure(drawn_data))
    assert drawn.startswith("<svg") and "<script" not in drawn and "<b>" not in drawn and "<i>" not in drawn
    assert "&lt;b&gt;you&lt;/b&gt;" in drawn and "&quot;ref&quot;" in drawn


def test_the_page_styles_the_plot_to_fit_a_phone() -> None:
    css = (Path(web.__file__).parent / "static" / "style.css").read_text(encoding="utf-8")
    assert ".plot svg { display: block; width: 100%; max-width: 480px; height: auto; }" in css


def test_grading_draws_no_plot_and_the_plot_job_draws_it_from_the_stored_counterexample() -> None:
    """Drawing takes ten times a grade's time: inside the grading job it held the class's grades up."""
    data = work.grade_answer(PATH, 0, "relu.a", "sign(x)", 3.0)
    assert data["status"] == "incorrect" and "plot" not in data and "fingerprint" in data
    drawn = work.plot_answer(PATH, 0, "relu.a", "sign(x)", data["counterexample"], 3.0)
    assert drawn is not None and drawn["words"].startswith("Your answer is -1 for x < 0")
    assert work.plot_answer(PATH, 0, "relu.a", "sign(x)", {"at": "x"}, 3.0) is None  # not a counterexample


@pytest.fixture()
def counted(workers: Workers, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    jobs: list[Any] = []
    real = workers.run

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        jobs.append(fn)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(workers, "run", run)
    yield jobs


def _app(db: Path, pool: Workers, drawing: Workers | None = None) -> TestClient:
    app = web.create_app(pages.load_sheets([SHEET]), Store(db), pool, web.Settings(), drawing=drawing)
    return TestClient(app)  # type: ignore[arg-type]


@pytest.mark.system  # starts a grading worker process of its own beside the module's drawing one
def test_a_plot_is_drawn_once_by_the_drawing_workers_and_kept(tmp_path: Path, workers: Workers,
                                                              counted: list[Any]) -> None:
    grading = Workers(jobs=1)
    try:
        client = _app(tmp_path / "c.sqlite", grading, drawing=workers)
        url = _plot_url(_submit(client, "tanh.a", "1+tanh(x)^2"))
        assert not counted  # graded by the grading workers
        first = client.get(url).text
        again = [client.get(url).text for _ in range(3)]
    finally:
        grading.close()
    assert '<figure class="plot"><svg' in first
    assert counted == [work.plot_answer] and all(page == first for page in again)


@pytest.mark.system  # starts a worker process of its own and keeps it busy
def test_when_no_worker_is_free_in_time_the_page_says_so_and_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = Workers(jobs=1)
    try:
        app = _app(tmp_path / "c.sqlite", pool)
        url = _plot_url(_submit(app, "relu.a", "sign(x)"))
        monkeypatch.setattr(web, "PLOT_WAIT", 0.2)
        hog = threading.Thread(target=pool.run, args=(time.sleep, 2.0), kwargs={"deadline": 10})
        hog.start()
        time.sleep(0.3)
        busy = app.get(url)
        assert '<p class="plot-none">The server is busy' in busy.text
        hog.join()
        assert '<figure class="plot"><svg' in app.get(url).text  # asked again, drawn
    finally:
        pool.close()


def test_a_plot_out_of_time_is_tried_again_when_asked_then_given_up(
    tmp_path: Path, workers: Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plot's budget is wall-clock time: on busy cores a plot may run out that an idle server draws.
    Out of time, the page says "busy" and the next visit tries again; after PLOT_TRIES, "no plot"."""
    from grader.core import limits

    client = _app(tmp_path / "c.sqlite", workers)
    url = _plot_url(_submit(client, "relu.a", "sign(x)"))
    monkeypatch.setattr(limits, "PLOT_SECONDS", 0.0005)  # the server's share for a plot: none, as on busy cores
    for _ in range(web.PLOT_TRIES - 1):
        assert '<p class="plot-none">The server is busy' in client.get(url).text
    assert "There is no plot for this answer." in client.get(url).text
    monkeypatch.undo()
    assert "There is no plot for this answer." in client.get(url).text  # given up: kept, not drawn again


def test_the_plot_page_says_which_answer_it_draws(tmp_path: Path, workers: Workers) -> None:
    client = _app(tmp_path / "c.sqlite", workers)
    _submit(client, "relu.a", "sign(x)")
    url = _plot_url(_submit(client, "relu.a", "2*sign(x)"))
    assert "Your answer (no. 2 to relu.a): <code>2*sign(x)</code>" in client.get(url).text
