"""Access tokens for tests, signed the way identity signs them, with a key of the test's own."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from lka_common.auth import ACCESS_TOKEN_TYPE, ALGORITHM


class TokenFactory:
    def __init__(self, issuer: str = "lka-identity", audience: str = "lka") -> None:
        self.kid = uuid.uuid4().hex
        self.issuer = issuer
        self.audience = audience
        self._key = ec.generate_private_key(ec.SECP256R1())

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": ALGORITHM}]}

    def jwks_json(self) -> str:
        return json.dumps(self.jwks())

    def issue(
        self,
        user_id: uuid.UUID | None = None,
        *,
        role: str = "subscriber",
        email: str | None = "abonent@example.ru",
        lifetime: timedelta = timedelta(minutes=15),
        **overrides: Any,
    ) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": str(user_id or uuid.uuid4()),
            "sid": str(uuid.uuid4()),
            "role": role,
            "email": email,
            "aud": self.audience,
            "iss": self.issuer,
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "typ": ACCESS_TOKEN_TYPE,
            **overrides,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})
