"""The shortcuts of a cold start give the same output as the long way round: sympy's text without
loading sympy.physics, typer's values without pydantic, and the exit without the interpreter's
teardown."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from grader.cli import app

pytestmark = pytest.mark.system  # each test starts a fresh Python process: a cold start is the point

EXPRESSIONS = [
    "exp(-x)/(1 + exp(-x))**2", "sigma(x)*(1 - sigma(x))", "4*exp(2*x)/(exp(2*x) + 1)**2", "-x*exp(-x)",
    "Piecewise((0, x < 0), (1, x > 0))", "Heaviside(x, 1/2)", "sech(x/2)**2/4", "1 - tanh(x)**2",
    "(x + Abs(x))/(2*x)", "Tuple(exp(-x)/(1 + exp(-x))**2, sigma(x)*(1 - sigma(x)))", "2*x*y/3", "x**(1/3)",
]


def test_printing_is_sympys_text_and_does_not_load_physics() -> None:
    """In a fresh process: our text first (sympy.physics.units not loaded), then sympy's own."""
    script = f"""
import sys, sympy
from grader.text import pretty as prettyprint
x, y = sympy.symbols("x y", real=True)
ns = {{"x": x, "y": y, "sigma": sympy.Function("sigma", real=True), "Tuple": sympy.Tuple}}
exprs = [sympy.sympify(t, locals=ns) for t in {EXPRESSIONS!r}]
ours = [(prettyprint.pretty(e), prettyprint.text(e)) for e in exprs]
assert "sympy.physics.units" not in sys.modules
theirs = [(sympy.pretty(e, use_unicode=True), sympy.sstr(e)) for e in exprs]
assert "sympy.physics.units" in sys.modules
assert ours == theirs, [(a, b) for a, b in zip(ours, theirs) if a != b]
prettyprint.pretty.cache_clear()
assert [prettyprint.pretty(e) for e in exprs] == [t[0] for t in theirs]  # with the real module loaded
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_commands_skip_pydantic_and_help_skips_sympy() -> None:
    script = """
import sys
from typer.testing import CliRunner
from grader.cli import app
runner = CliRunner()
assert runner.invoke(app, ["--help"]).exit_code == 0
assert "sympy" not in sys.modules
result = runner.invoke(app, ["check", "sigmoid.a", "σ(x)(1-σ(x))", "--no-color"])
assert result.exit_code == 0, result.output
assert "pydantic" not in sys.modules and "sympy.physics.units" not in sys.modules
bad = runner.invoke(app, ["grade", ".", "--timeout", "soon"])  # not a number: typer's own message
assert bad.exit_code == 2 and "--timeout" in bad.output, bad.output
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={"GRADER_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("args", "status"), [
    (["check", "sigmoid.a", "σ(x)(1-σ(x))", "--no-color"], 0),
    (["check", "sigmoid.a", "x", "--json"], 1),
    (["check", "nope.a", "x"], 2),
    (["schema"], 0),  # long output: flushed whole before the process ends
])
def test_quick_exit_keeps_output_and_status(args: list[str], status: int) -> None:
    done = subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True)
    expected = CliRunner().invoke(app, args)  # in process: no quick exit
    assert done.returncode == expected.exit_code == status
    if "--json" in args:  # the time taken differs, of course
        assert {**json.loads(done.stdout), "seconds": 0} == {**json.loads(expected.stdout), "seconds": 0}
    else:
        assert done.stdout == expected.stdout
    assert expected.stdout or done.stderr
