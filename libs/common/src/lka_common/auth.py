"""Verifying identity's access tokens in any service (docs/contract.md §2, docs/quality.md item 5).

Tokens are JWTs signed by identity with ES256; the public keys come from identity's JWKS,
fetched and cached, and fetched again when a token names a key not yet seen (rotation).
The algorithm is pinned, and `exp`, `aud`, `iss` and the token type are always checked; and,
on every call, cached token or not, whether identity has revoked it since (revocations.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import aiohttp
import jwt
import structlog
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lka_common.problems import Problem
from lka_common.revocations import RevocationList

log = structlog.get_logger(__name__)

ALGORITHM = "ES256"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
SUBSCRIBER_ROLE = "subscriber"
OPERATOR_ROLE = "operator"
SUPERVISOR_ROLE = "supervisor"
# The supplier's staff (docs/contract.md §4): wherever "operators" may act, supervisors may too.
STAFF_ROLES = frozenset({OPERATOR_ROLE, SUPERVISOR_ROLE})
JWKS_REFRESH_MIN_INTERVAL_S = 10.0


@dataclass(frozen=True)
class Principal:
    """Who is calling: the verified claims of an access token."""

    user_id: UUID
    session_id: UUID | None
    role: str
    email: str | None
    token_id: str
    # `iat`, to the millisecond: an all-sessions revocation refuses the tokens issued up to
    # its moment. 0 (the default) is before every revocation: refused by any, never let through.
    issued_at: float = 0.0

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class TokenVerifier:
    """`cache_size` > 0 keeps verified tokens (never failed ones) in an LRU keyed by the token
    string, until `exp` or `cache_s` from now, whichever is first, as the gateway does
    (lka_gateway.tokens): the ES256 check is a large share of a small call's CPU, and a service
    behind the gateway sees the same token on every call (docs/benchmarks.md, "The token
    check"). A key withdrawn from the JWKS stops opening the cache within `cache_s`."""

    def __init__(
        self,
        jwks_url: str | None,
        issuer: str,
        audience: str,
        jwks: dict[str, Any] | None = None,
        cache_size: int = 0,
        cache_s: float = 60.0,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        self._cache_size = cache_size
        self._cache_s = cache_s
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
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
        if not self._cache_size:
            return (await self._verify(token))[0]
        now = time.time()
        entry = self._cache.get(token)
        if entry is not None:
            if now < entry[0]:
                self._cache.move_to_end(token)
                return entry[1]
            del self._cache[token]
        principal, expires = await self._verify(token)
        self._cache[token] = (min(expires, now + self._cache_s), principal)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        """The token's principal and its `exp`, or `Problem(401)`."""
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
            principal = Principal(
                user_id=UUID(claims["sub"]),
                session_id=UUID(claims["sid"]) if claims.get("sid") else None,
                role=str(claims.get("role", "subscriber")),
                email=claims.get("email"),
                token_id=str(claims["jti"]),
                issued_at=float(claims["iat"]),
            )
            return principal, float(claims["exp"])
        except (jwt.PyJWTError, ValueError, KeyError):
            raise unauthorized() from None


SESSION_ENDED = "Сеанс завершен. Войдите в личный кабинет снова"


def unauthorized() -> Problem:
    return Problem(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="lka"'})


def session_ended() -> Problem:
    """A valid token of a session identity ended (sign-out, password reset, merge)."""
    return Problem(401, "unauthorized", SESSION_ENDED, headers=unauthorized().headers)


def bearer_token(request: Request) -> str | None:
    """The token of the `Authorization: Bearer` header, and nothing else. Never a cookie: the
    browser sends cookies with any request another site makes it send, so a token taken from
    one needs the CSRF check, which only the gateway makes (it turns its own `__Host-` session
    cookie into this header after that check)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


# Declares the bearer token in every service's OpenAPI document: without it no client, and
# not the abuse suite's `ignored_auth` check, can tell which calls need one. Only the
# declaration: `bearer_token` still reads the token.
BEARER_SCHEME = HTTPBearer(auto_error=False, description="The access token of POST /api/v1/auth/login.")
DeclaredBearer = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)]


async def optional_principal(request: Request, _: DeclaredBearer) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(token)
    # After the verifier, whose cache would otherwise keep a revoked token good until `exp`.
    revocations: RevocationList = request.app.state.revocations
    if revocations.is_revoked(principal.user_id, principal.session_id, principal.issued_at):
        raise session_ended()
    return principal


async def current_principal(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise unauthorized()
    return principal


async def operator_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.is_staff:
        raise Problem(403, "forbidden", "Действие доступно только операторам")
    return principal


async def supervisor_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Supervisors only (the audit, staff management: docs/contract.md §4): operators and
    subscribers alike are 403."""
    if principal.role != SUPERVISOR_ROLE:
        raise supervisors_only()
    return principal


def supervisors_only() -> Problem:
    return Problem(403, "forbidden", "Действие доступно только старшим операторам")


async def subscriber_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """A subscriber's own action (link an account, pay, submit a reading): staff profiles are
    not subscribers (docs/contract.md §4), so an operator's session cannot act for a subscriber."""
    if principal.is_staff:
        raise staff_not_allowed()
    return principal


def staff_not_allowed() -> Problem:
    return Problem(403, "staff_not_allowed", "Сотрудникам поставщика это действие недоступно: оно только для абонентов")


def same_actor() -> Problem:
    """Separation of duties (docs/contract.md §4): nobody decides what they asked for themselves."""
    return Problem(403, "same_actor", "Нельзя рассматривать собственную заявку: ее рассмотрит другой сотрудник")


MaybeUser = Annotated[Principal | None, Depends(optional_principal)]
CurrentUser = Annotated[Principal, Depends(current_principal)]
Operator = Annotated[Principal, Depends(operator_principal)]
Supervisor = Annotated[Principal, Depends(supervisor_principal)]
Subscriber = Annotated[Principal, Depends(subscriber_principal)]
