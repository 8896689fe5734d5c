"""Shared by the LTI tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def lti_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The `grader.serve.lti` logger's records, caught at the logger itself. Enabled for the test: an
    in-process `lint_imports` (tests/core/test_layers.py) runs logging.config.dictConfig, which disables
    every logger already made in this process (a test-run artefact; `grader serve` configures no logging)."""
    import logging

    logger = logging.getLogger("grader.serve.lti")
    kept = (logger.level, logger.propagate, logger.disabled)
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.disabled = False
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.level, logger.propagate, logger.disabled = kept
