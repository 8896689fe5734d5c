"""The tool's RSA key: made at the first start with LTI, kept in the database (`lti_keys`), so that
every server of a class signs with the same key and a restart keeps the key the platforms know
(they read it from `/lti/jwks`). The newest key signs; the JWKS lists every key kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from grader.serve.store import Store

ALGORITHM = "RS256"  # the one LTI 1.3 requires every platform and tool to support


@dataclass(frozen=True)
class ToolKey:
    kid: str
    private: RSAKey
    public_keys: tuple[dict[str, Any], ...]  # every key's public JWK, newest first

    def sign(self, claims: dict[str, Any]) -> str:
        """`claims` as a compact JWS signed with this key, its `kid` in the header."""
        return jwt.encode({"alg": ALGORITHM, "kid": self.kid, "typ": "JWT"}, claims, self.private,
                          algorithms=[ALGORITHM])

    def jwks(self) -> dict[str, Any]:
        """The public key set, as `/lti/jwks` serves it."""
        return {"keys": list(self.public_keys)}


def _public(key: RSAKey, kid: str) -> dict[str, Any]:
    return {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}


def load(store: Store) -> ToolKey:
    """The tool's key: the newest in the database, or a new one made and stored now. Two servers
    starting together on an empty database each make one; both are kept and listed, the newest signs."""
    db = store.connection
    rows = db.execute("SELECT kid, private_jwk FROM lti_keys ORDER BY created_at DESC, kid").fetchall()
    if not rows:
        fresh = RSAKey.generate_key(2048, private=True)
        kid = fresh.thumbprint()
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        db.execute("INSERT INTO lti_keys (kid, private_jwk, created_at) VALUES (?, ?, ?) ON CONFLICT (kid) DO NOTHING",
                   (kid, json.dumps(fresh.as_dict(private=True)), stamp))
        rows = db.execute("SELECT kid, private_jwk FROM lti_keys ORDER BY created_at DESC, kid").fetchall()
    keys = [(str(r[0]), RSAKey.import_key(json.loads(str(r[1])))) for r in rows]
    return ToolKey(keys[0][0], keys[0][1], tuple(_public(k, kid) for kid, k in keys))
