"""Shared by the serve tests: one grading worker per test module (the `chromium` fixture for the
browser tests is in tests/conftest.py: the notebook's JupyterLab test drives it too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.serve.workers import Workers


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    pool = Workers(jobs=1)
    yield pool
    pool.close()
