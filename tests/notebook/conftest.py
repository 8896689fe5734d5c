from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.notebook import api


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    """Each test starts a kernel session of its own: no sheet chosen, no answers, no hints shown."""
    saved = api.state
    api.state = api.State()
    yield
    api.state = saved
