from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest


def _private_cache_dir() -> None:
    """Commands run by the tests keep their parsed-sheet cache out of the user's ~/.cache.

    Set here, when pytest imports this file and before any test or command under test runs, so that
    subprocesses started by tests inherit it too. The folder is removed when the pytest process exits
    (not by forked grading workers, which share it). A GRADER_CACHE_DIR set by the caller is kept as is.
    """
    if "GRADER_CACHE_DIR" in os.environ:
        return
    folder = tempfile.mkdtemp(prefix="grader-test-cache-")
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    os.environ["GRADER_CACHE_DIR"] = folder


_private_cache_dir()

from grader import sheets  # noqa: E402  (after GRADER_CACHE_DIR is set)
from grader.sheets.model import Sheet  # noqa: E402


@pytest.fixture(scope="session")
def sheet() -> Sheet:
    """The bundled first sheet."""
    return sheets.load("activation-derivatives")
