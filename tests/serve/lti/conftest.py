"""Shared by the LTI tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from joserfc.jwk import RSAKey

_MADE: dict[int, list[Any]] = {}  # the RSA private keys made so far in this process, by size in bits
_READ: dict[tuple[str | None, ...], Any] = {}  # private keys read from a JWK, by the JWK's numbers
_NUMBERS = ("n", "e", "d", "p", "q", "dp", "dq", "qi")


@pytest.fixture(autouse=True)
def _rsa_keys_made_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Making a 2048-bit RSA key takes 0.05-0.2 s, and an LTI test makes two or more (the fake platform's,
    the tool's at its first start in `keys.load`, a stranger's): over the LTI tests, most of their time.
    The n-th key a test makes is the n-th this process made (for an earlier test, or now), so the keys
    within a test are all different, as fresh ones are; each test has its own database and platform, so
    none meets another test's key. Only the random prime search is skipped: joserfc builds the key, its
    parameters and kid as it would (RSAKey.generate_key calls its binding's generate_private_key).
    Reading a private key from its JWK checks its primes (~0.04 s; `keys.load` reads the tool's at every
    start): a JWK read before, number for number, gives the key read then; any other is read as ever."""
    made = RSAKey.binding.generate_private_key
    read = RSAKey.binding.import_private_key
    count: dict[int, int] = {}

    def generate_private_key(size: int) -> Any:
        keys = _MADE.setdefault(size, [])
        count[size] = count.get(size, 0) + 1
        while len(keys) < count[size]:
            keys.append(made(size))
        return keys[count[size] - 1]

    def import_private_key(jwk: Any) -> Any:
        numbers = tuple(jwk.get(name) for name in _NUMBERS)
        if numbers not in _READ:
            _READ[numbers] = read(jwk)
        return _READ[numbers]

    monkeypatch.setattr(RSAKey.binding, "generate_private_key", staticmethod(generate_private_key))
    monkeypatch.setattr(RSAKey.binding, "import_private_key", staticmethod(import_private_key))
    yield


@pytest.fixture
def lti_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The `grader.serve.lti` logger's records, caught at the logger itself. Enabled for the test: an
    in-process `lint_imports` (tests/core/test_layers.py) runs logging.config.dictConfig, which disables
    every logger already made in this process (a test-run artefact; `grader serve` configures no logging)."""
    import logging

    logger = logging.getLogger("grader.serve.lti")
    kept = (logger.level, logger.propagate, logger.disabled)
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.disabled = False
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.level, logger.propagate, logger.disabled = kept
