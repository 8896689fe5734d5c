"""Sheet prose in the browser: escaped, with only bold, emphasis and code as tags, never inside maths."""

from __future__ import annotations

import pytest

from grader.serve.app import paragraphs


def test_emphasis_is_typeset_outside_maths_and_stars_in_maths_stay() -> None:
    # The cold trial of issue 22 saw relu.b's worked solution show *not differentiable* with its stars.
    shown = paragraphs("ReLU is *not differentiable* at $x = 0$, and $a*b*c$ or 2 * 3 stay as they are.")
    assert str(shown[0]) == ("ReLU is <em>not differentiable</em> at $x = 0$, and $a*b*c$ or 2 * 3 stay as they "
                             "are.")


def test_prose_is_escaped_before_any_tag() -> None:
    assert str(paragraphs("**<script>** `x<1`")[0]) == "<strong>&lt;script&gt;</strong> <code>x&lt;1</code>"


@pytest.mark.system  # starts a worker process (Workers) for the app whose page it reads
def test_each_answer_box_and_button_names_its_part_for_screen_readers() -> None:
    import tempfile
    from pathlib import Path

    from starlette.testclient import TestClient

    from grader.serve import app as web
    from grader.serve import pages
    from grader.serve.store import Store
    from grader.serve.workers import Workers

    with tempfile.TemporaryDirectory() as folder:
        workers = Workers(jobs=1)
        try:
            server = web.create_app(pages.load_sheets(["activation-derivatives"]), Store(Path(folder) / "p.sqlite"),
                                    workers)
            page = TestClient(server).get("/sheets/activation-derivatives/q/relu").text
        finally:
            workers.close()
    for address in ("relu.a", "relu.b.left", "relu.b.differentiable"):
        assert f'aria-label="your answer to {address}"' in page
        assert f'aria-label="Submit your answer to {address}"' in page
    assert 'aria-label="your answer"' not in page


def test_the_score_table_says_a_wrong_part_still_open_is_wrong() -> None:
    """Cold trial (issue 22): a wrong answer with attempts left read 'started'."""
    from grader.serve.pages import score_rows
    from grader.serve.store import Attempt
    from grader.sheets import load

    sheet = load("activation-derivatives")
    wrong = Attempt(part="tanh.a", answer="x", status="incorrect", points=0.0, max_points=2.0, counted=True,
                    feedback="", result={}, created_at="")
    unreadable = Attempt(part="sigmoid.a", answer="((", status="invalid", points=0.0, max_points=2.0, counted=False,
                         feedback="", result={}, created_at="")
    rows = {r.address: r.status for r in score_rows(sheet, [wrong, unreadable])}
    assert rows["tanh.a"] == "incorrect, 2 attempts left"
    assert rows["sigmoid.a"] == "started" and rows["relu.a"] == "not started"
