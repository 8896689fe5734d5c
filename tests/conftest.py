from __future__ import annotations

import pytest

from grader import sheets
from grader.sheets import Sheet


@pytest.fixture(scope="session")
def sheet() -> Sheet:
    """The bundled first sheet."""
    return sheets.load("activation-derivatives")
