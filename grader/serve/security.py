"""The small pieces of security the server needs: constant-time token checks, a rate limit, and the
headers every response carries."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from starlette.requests import Request


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class RateLimit:
    """At most `count` events per `seconds` for each key (a student), in a sliding window."""

    def __init__(self, count: int, seconds: float) -> None:
        self.count = count
        self.seconds = seconds
        self._events: dict[object, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: object) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.seconds:
                events.popleft()
            if len(events) >= self.count:
                return False
            events.append(now)
            return True


# Who may show the pages in a frame: this server only. The one place to widen it (an LMS that embeds
# the pages, LTI) is `Settings.frame_ancestors`, which starts from this.
FRAME_ANCESTORS: tuple[str, ...] = ("'self'",)
FRAMED = "grader.lti"  # set in a request's scope: its reply is an LMS user's (LTI) page, framed by their LMS


def policy(frame_ancestors: tuple[str, ...]) -> str:
    """The Content-Security-Policy: scripts, styles, fonts and requests from this server only, no
    inline script. Styles allow inline `style` attributes (style-src-attr): KaTeX sets each glyph's
    height, depth and spacing in a `style` attribute of the spans it draws, and without them maths is
    drawn on one squashed baseline; `<style>` elements stay refused (style-src-elem). Browsers without
    those CSP3 keys fall back to style-src, which therefore also has 'unsafe-inline'."""
    return "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors " + " ".join(frame_ancestors)))


class Headers:
    """ASGI middleware: the security headers on every response, and `Cache-Control: no-store` on every
    page but the static files (a page may show answers; a shared computer's cache must not keep them).
    A reply marked FRAMED (the LTI endpoints, an LMS user's pages) may also be framed by `lms_origins`,
    the registered platforms' sites; every other page keeps `frame_ancestors`."""

    def __init__(self, app: Any, frame_ancestors: tuple[str, ...] = FRAME_ANCESTORS,
                 lms_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy(frame_ancestors).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if frame_ancestors == ("'self'",):  # the same for browsers that know no CSP frame-ancestors
            self.headers.append((b"x-frame-options", b"SAMEORIGIN"))
        framed = tuple(dict.fromkeys(frame_ancestors + lms_origins))
        self.framed = [(b"content-security-policy", policy(framed).encode()), *self.headers[1:3]]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                ours = self.framed if scope.get(FRAMED) else self.headers
                headers += [h for h in ours if h[0] not in names]
                if b"referrer-policy" not in names:
                    headers.append((b"referrer-policy", b"same-origin"))
                if not static:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def read_form(request: Request, cap: int, fields: int) -> dict[str, str] | None:
    """A POST's url-encoded form, read up to `cap` bytes (None beyond it, or a length declared beyond it:
    the caller says 413); `{}` for more than `fields` fields (no form of ours)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > cap):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            return None
    try:
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=fields)
    except ValueError:
        return {}
    return {k: v[0] for k, v in parsed.items()}
