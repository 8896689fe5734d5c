"""The tool's app (`grader serve --lti`) wired to the fake platform in process, for the LTI tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from fake_platform import FakePlatform
from starlette.testclient import TestClient

from grader.serve import app as web
from grader.serve import pages
from grader.serve.lti import jwks, keys, platforms, routes
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "activation-derivatives"
TOOL = "https://tool.test"


class Lms:
    """The fake platform and the tool's app wired together; `client` is one person's browser."""

    def __init__(self, store: Store, loaded: dict[str, pages.Loaded], workers: Workers,
                 platform: FakePlatform | None = None, **entry: Any) -> None:
        self.platform = platform or FakePlatform(tool=TOOL)
        self.store = store
        self.app_sheets = loaded
        self.keysets = jwks.KeySets(transport=httpx.ASGITransport(app=self.platform.app))
        entries = platforms.parse({"platforms": [self.platform.entry() | entry]})
        self.tool = routes.Tool(entries, keys.load(store), self.keysets, public_url=TOOL)
        self.app = web.create_app(loaded, store, workers, web.Settings(class_mode=True, lti=self.tool))
        self.platform.tool_transport = httpx.ASGITransport(app=self.app)
        self.client = self.browser()

    def browser(self) -> TestClient:
        return TestClient(self.app, base_url=TOOL)

    def login(self, client: TestClient | None = None, **extra: str) -> dict[str, str]:
        """Login → check → the platform's authorisation URL's query (state, nonce, …)."""
        browser = client or self.client
        first = browser.get("/lti/login", params=self.platform.login_params(**extra), follow_redirects=False)
        assert first.status_code == 302, first.text
        cookie = first.headers["set-cookie"]
        assert "SameSite=none" in cookie and "Secure" in cookie and "HttpOnly" in cookie
        second = browser.get(first.headers["location"], follow_redirects=False)
        assert second.status_code == 302, second.text
        assert second.headers["location"].startswith(self.platform.issuer + "/auth?")
        return dict(parse_qsl(urlsplit(second.headers["location"]).query))

    def launch(self, client: TestClient | None = None, **override: Any) -> httpx.Response:
        browser = client or self.client
        form = self.platform.answer(self.login(browser), **override)
        return browser.post("/lti/launch", data=form, follow_redirects=False)
