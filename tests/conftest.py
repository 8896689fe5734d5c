from __future__ import annotations

import os
import tempfile

import pytest

# Commands run by the tests keep their parsed-sheet cache out of the user's ~/.cache.
os.environ.setdefault("GRADER_CACHE_DIR", tempfile.mkdtemp(prefix="grader-test-cache-"))

from grader import sheets
from grader.sheets.model import Sheet


@pytest.fixture(scope="session")
def sheet() -> Sheet:
    """The bundled first sheet."""
    return sheets.load("activation-derivatives")
