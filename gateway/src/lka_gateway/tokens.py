"""Access tokens verified once, then remembered for a short while.

The signature check (ES256, `lka_common.auth.TokenVerifier`) is the CPU a signed-in call
costs the gateway on top of proxying, and a web page makes a few calls with one token in a
few seconds. So a verified token is kept in an LRU keyed by the token string, until its
`exp` or `token_cache_s` from now, whichever is first: a key withdrawn from the JWKS stops
opening the cache within that time. Only verified tokens go in, so a forged one is checked
every time. Revocation is not cached: the caller asks the revocation list on every call.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from dataclasses import dataclass

import jwt

from lka_common.auth import Principal, TokenVerifier
from lka_gateway.headers import identity_headers
from lka_gateway.settings import GatewaySettings


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    principal: Principal
    # What the services are told of the caller, built once per token rather than per call.
    headers: tuple[tuple[str, str], ...]
    # The user id as text, the key of the per-user rate limit.
    user_key: str


def token_verifier(settings: GatewaySettings) -> TokenVerifier:
    """The shared verifier: a fixed JWKS when one is given (tests), else identity's."""
    if settings.jwks_json:
        jwks = json.loads(settings.jwks_json)
        return TokenVerifier(None, settings.jwt_issuer, settings.jwt_audience, jwks=jwks)
    return TokenVerifier(settings.jwks_url, settings.jwt_issuer, settings.jwt_audience)


class TokenCache:
    def __init__(self, verifier: TokenVerifier, size: int, keep_s: float) -> None:
        self._verifier = verifier
        self._size = size
        self._keep_s = keep_s
        self._entries: OrderedDict[str, tuple[float, VerifiedToken]] = OrderedDict()

    async def verify(self, token: str) -> VerifiedToken:
        """The token's claims, or `Problem(401)` raised by the verifier."""
        now = time.time()
        entry = self._entries.get(token)
        if entry is not None:
            until, verified = entry
            if now < until:
                self._entries.move_to_end(token)
                return verified
            del self._entries[token]
        principal = await self._verifier.verify(token)
        # The signature and every claim were checked just now; this only reads the `exp` the
        # verifier does not hand back.
        expires = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        verified = VerifiedToken(principal, identity_headers(principal), str(principal.user_id))
        self._entries[token] = (min(expires, now + self._keep_s), verified)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return verified

    def __len__(self) -> int:
        return len(self._entries)
