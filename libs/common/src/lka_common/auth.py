"""Verifying identity's access tokens in any service (CONTRACT §2, QUALITY 5).

Tokens are JWTs signed by identity with ES256; the public keys come from identity's JWKS,
fetched and cached, and fetched again when a token names a key not yet seen (rotation).
The algorithm is pinned, and `exp`, `aud`, `iss` and the token type are always checked.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import aiohttp
import jwt
import structlog
from fastapi import Depends, Request

from lka_common.problems import Problem

log = structlog.get_logger(__name__)

ALGORITHM = "ES256"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
ACCESS_COOKIE = "lka_access"
OPERATOR_ROLE = "operator"
JWKS_REFRESH_MIN_INTERVAL_S = 10.0


@dataclass(frozen=True)
class Principal:
    """Who is calling: the verified claims of an access token."""

    user_id: UUID
    session_id: UUID | None
    role: str
    email: str | None
    token_id: str

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR_ROLE


class TokenVerifier:
    def __init__(self, jwks_url: str | None, issuer: str, audience: str, jwks: dict[str, Any] | None = None) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        if jwks:
            self._load(jwks)

    def _load(self, jwks: dict[str, Any]) -> None:
        keys = {}
        for entry in jwks.get("keys", []):
            if entry.get("kid") and entry.get("kty") == "EC":
                keys[entry["kid"]] = jwt.PyJWK.from_dict(entry, algorithm=ALGORITHM).key
        self._keys = keys

    async def _refresh(self) -> None:
        if self._jwks_url is None:
            return
        async with self._lock:
            if time.monotonic() - self._fetched_at < JWKS_REFRESH_MIN_INTERVAL_S:
                return
            self._fetched_at = time.monotonic()
            try:
                timeout = aiohttp.ClientTimeout(total=3)
                async with aiohttp.ClientSession(timeout=timeout) as http, http.get(self._jwks_url) as response:
                    response.raise_for_status()
                    self._load(json.loads(await response.read()))
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                log.warning("jwks_unavailable", url=self._jwks_url, error=repr(exc))

    async def verify(self, token: str) -> Principal:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise unauthorized() from None
        if not isinstance(kid, str):
            raise unauthorized()
        if kid not in self._keys:
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise unauthorized()
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss", "jti", "typ"]},
            )
            if claims.get("typ") != ACCESS_TOKEN_TYPE:
                raise jwt.InvalidTokenError("not an access token")
            return Principal(
                user_id=UUID(claims["sub"]),
                session_id=UUID(claims["sid"]) if claims.get("sid") else None,
                role=str(claims.get("role", "subscriber")),
                email=claims.get("email"),
                token_id=str(claims["jti"]),
            )
        except (jwt.PyJWTError, ValueError, KeyError):
            raise unauthorized() from None


def unauthorized() -> Problem:
    return Problem(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="lka"'})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(ACCESS_COOKIE) or None


async def optional_principal(request: Request) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(token)


async def current_principal(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise unauthorized()
    return principal


async def operator_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.is_operator:
        raise Problem(403, "forbidden", "Действие доступно только операторам")
    return principal


MaybeUser = Annotated[Principal | None, Depends(optional_principal)]
CurrentUser = Annotated[Principal, Depends(current_principal)]
Operator = Annotated[Principal, Depends(operator_principal)]
