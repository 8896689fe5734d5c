"""The platforms' public keys, fetched from their `key_set_url` with httpx and kept in memory. A key id
not among the kept keys fetches the set again (platforms rotate keys), at most once per
`REFETCH_SECONDS` per platform: a flood of launches with made-up key ids costs the platform one
request, not one each."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from grader.serve.lti.launch import LtiError

REFETCH_SECONDS = 30.0  # at most one fetch of a platform's keys per this many seconds
FETCH_SECONDS = 5.0  # a platform's key set must arrive within this
MAX_BYTES = 1_000_000


@dataclass
class _Kept:
    keys: dict[str, RSAKey]
    fetched: float


@dataclass
class KeySets:
    """Each platform's keys by kid. `transport` lets the tests answer with an in-process platform."""
    transport: httpx.AsyncBaseTransport | None = None
    kept: dict[str, _Kept] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    fetches: int = 0  # how many times a key set was fetched (the tests count them)

    async def key(self, url: str, kid: str) -> RSAKey:
        """The key `kid` of the set at `url`: kept, or fetched now (rate-bounded); else an LtiError."""
        kept = self.kept.get(url)
        if kept is not None and kid in kept.keys:
            return kept.keys[kid]
        lock = self._locks.setdefault(url, asyncio.Lock())
        async with lock:
            kept = self.kept.get(url)  # another launch may have fetched it meanwhile
            if kept is not None and kid in kept.keys:
                return kept.keys[kid]
            if kept is not None and time.monotonic() - kept.fetched < REFETCH_SECONDS:
                raise LtiError("unknown_kid", f"kid {kid!r} is not among {', '.join(kept.keys) or 'no keys'} of "
                               f"{url} (fetched {time.monotonic() - kept.fetched:.0f} s ago)")
            self.kept[url] = kept = _Kept(await self._fetch(url), time.monotonic())
        if kid not in kept.keys:
            raise LtiError("unknown_kid", f"kid {kid!r} is not among {', '.join(kept.keys) or 'no keys'} of {url}")
        return kept.keys[kid]

    async def _fetch(self, url: str) -> dict[str, RSAKey]:
        self.fetches += 1
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=FETCH_SECONDS,
                                         follow_redirects=True) as client:
                reply = await client.get(url, headers={"accept": "application/json"})
        except httpx.HTTPError as err:
            raise LtiError("keys_unreachable", f"{url}: {type(err).__name__} {err}".strip()) from None
        if reply.status_code != 200:
            raise LtiError("keys_unreachable", f"{url} answered HTTP {reply.status_code}")
        if len(reply.content) > MAX_BYTES:
            raise LtiError("keys_unreachable", f"{url} sent more than {MAX_BYTES} bytes")
        try:
            data: Any = reply.json()
        except ValueError:
            raise LtiError("keys_unreachable", f"{url} did not answer JSON") from None
        listed = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(listed, list):
            raise LtiError("keys_unreachable", f"{url} answered no key set (an object with a list `keys`)")
        keys = {}
        for entry in listed:
            if isinstance(entry, dict) and entry.get("kty") == "RSA" and isinstance(entry.get("kid"), str):
                try:
                    keys[entry["kid"]] = RSAKey.import_key(entry)
                except (JoseError, ValueError, TypeError):
                    continue  # one broken key does not hide the others
        return keys
