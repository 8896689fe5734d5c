"""Sheet prose in the browser: escaped, with only bold, emphasis and code as tags, never inside maths."""

from __future__ import annotations

from grader.serve.app import paragraphs


def test_emphasis_is_typeset_outside_maths_and_stars_in_maths_stay() -> None:
    # The cold trial of issue 22 saw relu.b's worked solution show *not differentiable* with its stars.
    shown = paragraphs("ReLU is *not differentiable* at $x = 0$, and $a*b*c$ or 2 * 3 stay as they are.")
    assert str(shown[0]) == ("ReLU is <em>not differentiable</em> at $x = 0$, and $a*b*c$ or 2 * 3 stay as they "
                             "are.")


def test_prose_is_escaped_before_any_tag() -> None:
    assert str(paragraphs("**<script>** `x<1`")[0]) == "<strong>&lt;script&gt;</strong> <code>x&lt;1</code>"
