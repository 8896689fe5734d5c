"""`grader practice` in a pseudo-terminal (pexpect): what a student at a real terminal sees."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import pytest

if sys.platform == "win32":
    pytest.skip("pseudo-terminals are POSIX", allow_module_level=True)
pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.system  # drives `python -m grader practice` in a pseudo-terminal

COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-7]m|\x1b\[[0-9;]*38;")  # a foreground colour (bold/dim are not colour)


def spawn(*args: str, colour: bool = False) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    if not colour:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(sys.executable, ["-m", "grader", "practice", *args], env=env, encoding="utf-8",
                          dimensions=(50, 100), timeout=30)
    child.logfile_read = Transcript()
    return child


class Transcript:
    """Everything the terminal showed, for assertions after the session."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, data: str) -> None:
        self.text += data

    def flush(self) -> None:
        pass


def answer(child: Any, line: str, until: str = "› ") -> None:
    child.sendline(line)
    child.expect(until)


def shown(child: Any) -> str:
    text: str = child.logfile_read.text
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r\n", "\n")


def test_tty_wrong_then_correct_then_derivation_with_a_hint() -> None:
    child = spawn("--question", "sigmoid", "--seed", "5")
    child.expect("sigmoid.a › ")
    answer(child, "-e^(-x)/(1+e^-x)^2", "sigmoid.a \\(attempt 2/3\\) › ")
    answer(child, "σ(x)(1−σ(x))", "sigmoid.b › ")
    answer(child, "e^-x/(1+e^-x)^2", "… ")
    answer(child, ":hint", "… ")
    answer(child, "= 1/(1+e^-x) * e^-x/(1+e^-x)", "… ")
    answer(child, "= σ(x)(1-σ(x))", "… ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = shown(child)
    assert "The sign is wrong" in text and "2 attempts left" in text
    assert "(1 - σ(x))⋅σ(x)" in text  # sympy's unicode pretty print of the answer
    assert text.index("You entered:") < text.index("✓ correct  2/2 points")
    assert "Hint 1/2: First show that 1 - σ(x) = e⁻ˣ/(1 + e⁻ˣ)." in text
    assert "✓ line 3" in text and "✓ correct  3/3 points" in text
    assert "5/5" in text
    assert not COLOUR.search(child.logfile_read.text)  # NO_COLOR


def test_tty_invalid_answer_and_solution_in_colour_then_ctrl_d() -> None:
    child = spawn("--question", "tanh", colour=True)
    child.expect("tanh.a › ")
    answer(child, "tahn(x)", "tanh.a › ")  # the same prompt: no attempt used
    answer(child, ":solution", "tanh.b › ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = shown(child)
    assert "^^^^" in text and "did you mean tanh(x)?" in text and "(no attempt used)" in text
    assert "Worked solution of tanh.a" in text and "Result: tanh'(x) = 4/(eˣ + e⁻ˣ)²" in text
    assert "Input ended (Ctrl-D)." in text
    assert "solution shown" in text and "unfinished" in text
    assert COLOUR.search(child.logfile_read.text)  # a terminal gets colour
    assert "Traceback" not in text


def test_tty_correct_first_try_then_ctrl_c_with_no_color_flag() -> None:
    child = spawn("-q", "relu.a", "-q", "relu.b.left", "--seed", "1", "--no-color", colour=True)
    child.expect("relu.a › ")
    answer(child, "Heaviside(x)", "relu.b.left › ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    text = shown(child)
    assert "✓ correct  2/2 points" in text and "Interrupted (Ctrl-C)." in text and "2/3" in text
    assert "Traceback" not in text
    assert not COLOUR.search(child.logfile_read.text)
