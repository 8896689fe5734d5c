from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def _commands_built_once() -> None:
    """typer's CliRunner.invoke builds the click command of the Typer app it is given at every call
    (~0.03 s: it inspects every command's signature), and the suite invokes the CLI some 500 times. A
    Typer app does not change once its module is imported, so each app is built once here; click's
    commands are made to be invoked again and again (a click CLI is built once and run many times).
    Nothing else changes: the invocation, its isolation and its result are typer's."""
    import typer.main
    import typer.testing

    built: dict[int, tuple[object, Any]] = {}

    def get_command(app: Any) -> Any:
        kept = built.get(id(app))
        if kept is None or kept[0] is not app:
            kept = built[id(app)] = (app, typer.main.get_command(app))
        return kept[1]

    if hasattr(typer.testing, "_get_command"):  # where typer's CliRunner looks it up
        typer.testing._get_command = get_command


_commands_built_once()

from grader import sheets  # noqa: E402  (after GRADER_CACHE_DIR is set)
from grader.sheets.model import Sheet  # noqa: E402


@pytest.fixture(scope="session")
def sheet() -> Sheet:
    """The bundled first sheet."""
    return sheets.load("activation-derivatives")


# --- the class database on both backends ----------------------------------------------------------------

PG_ENV = "GRADER_TEST_PG"  # e.g. postgresql://grader:grader@localhost/grader (.ci/run sets it)


def _pg_base() -> str:
    """The PostgreSQL the tests may use, or a skip that says how to give one. With GRADER_TEST_PG set (CI),
    an unreachable server fails the test instead: CI must not pass by skipping."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.skip(f"no PostgreSQL to test against: set {PG_ENV}=postgresql://USER:PASSWORD@HOST/DBNAME")
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as err:
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is not reachable: {err}")
    return url


def pg_scratch(base: str) -> tuple[str, str]:
    """A fresh schema in the test database: (its URL for grader, its name), so tests never share tables."""
    import secrets

    import psycopg

    name = "t_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{name}", name


def pg_drop(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def class_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Where a test's class lives: a new SQLite file, or a new PostgreSQL schema (given by URL)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("db") / "class.sqlite")
        return
    with pg_schema() as url:
        yield url


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema's URL for the block (pg_scratch), dropped after it."""
    base = _pg_base()
    url, name = pg_scratch(base)
    try:
        yield url
    finally:
        pg_drop(base, name)


@pytest.fixture
def pg_database():  # type: ignore[no-untyped-def]
    """A new, empty PostgreSQL database's URL (the test role needs CREATEDB, as .ci/run gives it), dropped
    at the end: for whole-database tools (pg_dump, pg_restore)."""
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    base = _pg_base()
    name = "grader_t_" + secrets.token_hex(5)
    with psycopg.connect(base, autocommit=True) as conn:
        try:
            conn.execute(f"CREATE DATABASE {name}")
        except psycopg.errors.InsufficientPrivilege:
            pytest.fail(f"the role of {PG_ENV} needs CREATEDB for this test (ALTER ROLE … CREATEDB)")
    yield urlunsplit(urlsplit(base)._replace(path="/" + name, query=""))
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def pg_module_url():  # type: ignore[no-untyped-def]
    """As pg_url, one schema for a whole test module (its servers start once)."""
    with pg_schema() as url:
        yield url


@pytest.fixture
def pg_url():  # type: ignore[no-untyped-def]
    """A new PostgreSQL schema's URL (skipped without one, failed in CI when it is down)."""
    with pg_schema() as url:
        yield url


def _query(where: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    from grader.serve.database import Connection, location

    conn = Connection(location(where))
    try:
        return [tuple(row) for row in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


@pytest.fixture
def query():  # type: ignore[no-untyped-def]
    """query(where, sql, params): rows of one query against a class database of either kind (`?`
    placeholders), for assertions."""
    return _query


# --- the browser tests: headless Chromium from Debian's packages, driven by selenium; nothing is downloaded ---

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


_OPENED: list[Any] = []  # the browsers `chromium` opened and not yet closed


@pytest.fixture(autouse=True, scope="module")
def _close_the_modules_browsers() -> Iterator[None]:
    """A test module's browsers are closed when it ends: kept to the session's end, twenty of them held
    a few GB and the CPU of a CI run."""
    start = len(_OPENED)
    yield
    for browser in _OPENED[start:]:
        with contextlib.suppress(Exception):  # already gone: nothing to close
            browser.quit()
    del _OPENED[start:]


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Any]]:
    """Opens a browser (each with its own profile: another person); closed when its test module ends.
    Skips the test when the browser, its driver or selenium is missing, and says how to install them."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch a browser or driver
    opened = _OPENED

    def open_browser(prefs: dict[str, Any] | None = None) -> Any:
        """`prefs`: the profile's preferences, e.g. third-party cookies allowed (the LTI tests)."""
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        if prefs:
            options.add_experimental_option("prefs", prefs)
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,1300",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
            options.add_argument(flag)
        # The console (console_errors) and the network requests (requested) a test may read.
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        opened.append(webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER))))
        return opened[-1]

    yield open_browser
    for browser in opened:
        with contextlib.suppress(Exception):
            browser.quit()


class PageChecks:
    """What a browser test reads from a page: the `page_checks` fixture."""

    @staticmethod
    def console_errors(browser: Any) -> list[str]:
        """The page's console errors (uncaught exceptions, CSP refusals, failed loads) since last asked;
        not the browser's own guess at /favicon.ico (grader serve has none)."""
        return [entry["message"] for entry in browser.get_log("browser")
                if entry["level"] == "SEVERE" and "/favicon.ico " not in entry["message"]]


    @staticmethod
    def requested(browser: Any) -> list[str]:
        """Every URL the browser asked for since last asked (Chrome's performance log)."""
        import json

        messages = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
        return [m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"]

    @staticmethod
    def drawn_charts(browser: Any) -> list[int]:
        """Per <canvas> on the page, how many of its pixels are painted (0: an empty chart)."""
        return browser.execute_script(  # type: ignore[no-any-return]
            "return Array.from(document.querySelectorAll('canvas')).map(c => {"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
            " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; });")


@pytest.fixture(scope="session")
def page_checks() -> PageChecks:
    """console_errors, requested and drawn_charts, for a browser test."""
    return PageChecks()


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The caches' folder (GRADER_CACHE_DIR), empty and in tmp_path, with caching on."""
    monkeypatch.delenv("GRADER_NO_CACHE", raising=False)
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"
