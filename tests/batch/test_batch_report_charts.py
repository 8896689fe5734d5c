"""report.html's parts chart on a sheet with many parts (issue 26's cold trial: the bundled
piecewise-activations, 19 parts, left the plot ~80 px high, the last label cut and the labels
overlapping at 390 px). Now a row of bars per part, so the chart grows with the parts; checked on a
desktop and in a 390 px emulation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.sheets.files import load

SHEET = "piecewise-activations"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many-parts")
    subs = folder / "subs"
    subs.mkdir()
    parts = list(load(SHEET).parts)
    for i in range(12):
        body = "".join(f"  {address}: '{('0', '1', 'x')[(i + j) % 3]}'\n" for j, address in enumerate(parts))
        (subs / f"s{i:02}.yaml").write_text(f"student: s{i:02}\nsheet: {SHEET}\nanswers:\n{body}", encoding="utf-8")
    ran = CliRunner().invoke(app, ["grade", str(subs), "--sheet", SHEET, "--out", str(folder / "out"), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    return folder / "out" / "report.html"


@pytest.mark.system
@pytest.mark.parametrize("width", [1100, 390])
def test_nineteen_parts_each_get_a_readable_row(report: Path, chromium: Callable[[], Any], width: int,
                                                page_checks: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 1300, "deviceScaleFactor": 1, "mobile": width < 500})
    browser.get(report.as_uri())
    WebDriverWait(browser, 20).until(lambda b: b.execute_script(
        "return document.readyState === 'complete' && document.querySelectorAll('#chart-parts canvas').length === 1"))
    plot, chart, page = browser.execute_script(
        "const chart = document.querySelector('#chart-parts');"
        "const over = chart.querySelector('.u-over').getBoundingClientRect(), box = chart.getBoundingClientRect();"
        "return [[over.left, over.right, over.height], [box.left, box.right], document.documentElement.scrollWidth];")
    assert plot[2] >= 19 * 20, f"19 parts in a plot {plot[2]} px high at {width} px"
    # the labels are left of the plot, inside the chart's box: none cut at either edge
    assert chart[0] < plot[0] - 60 and plot[1] <= chart[1] and page <= width
    assert page_checks.drawn_charts(browser)[1] > 1000
    assert page_checks.console_errors(browser) == []
