"""`grader serve` in a terminal: Ctrl-C stops the server and its workers, quietly (no traceback)."""

from __future__ import annotations

import re
import sys
import urllib.request
from pathlib import Path

import pexpect
import pytest


@pytest.mark.system  # a server process in a pty
def test_ctrl_c_stops_the_server_without_a_traceback(tmp_path: Path) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "grader", "serve", "--port", "0", "--db", str(tmp_path / "p.sqlite")],
                          encoding="utf-8", timeout=60)
    try:
        child.expect(r"http://\S+/")
        url = child.after
        child.expect("Ctrl-C stops")
        with urllib.request.urlopen(url, timeout=30) as reply:
            assert reply.status == 200
        child.sendintr()
        child.expect(pexpect.EOF, timeout=20)
        assert not re.search("Traceback|KeyboardInterrupt", child.before), child.before
    finally:
        child.close(force=True)
    assert child.exitstatus in (0, 130)
