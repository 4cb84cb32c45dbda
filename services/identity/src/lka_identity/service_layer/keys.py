"""The signing keys as an API process sees them: which key signs, which keys the JWKS lists.

Keys live in the database (sealed), so every replica and the rotation command share them.
A process caches them for `signing_key_cache_s` and reloads at once when a token names a key
it does not know. A retired key stays published (and verifying) until the last token it can
have signed has expired: the access lifetime, plus the cache time during which another
replica may still have signed with it, plus a minute of clock skew.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import jwt

from lka_common.auth import TokenVerifier
from lka_common.uow import UnitOfWork
from lka_identity.adapters import key_store
from lka_identity.adapters.signing import KeySealer, SigningKey, new_key_pair
from lka_identity.settings import IdentitySettings

# An unknown kid reloads at most this often, so random kids cannot hammer the database.
UNKNOWN_KID_RELOAD_S = 2.0
CLOCK_SKEW = timedelta(minutes=1)


def retention(settings: IdentitySettings) -> timedelta:
    return timedelta(seconds=settings.access_token_ttl_s + settings.signing_key_cache_s) + CLOCK_SKEW


async def ensure_signing_key(uow: UnitOfWork, sealer: KeySealer, now: datetime) -> None:
    """Create the first key unless there is an active one (several replicas may start at once)."""
    async with uow:
        await key_store.lock(uow.session)
        if not await key_store.has_active(uow.session):
            await _add_key(uow, sealer, now)
        await uow.commit()


async def rotate_signing_key(uow: UnitOfWork, sealer: KeySealer, now: datetime) -> str:
    """Retire the active key and add a new one, in one transaction; returns the new key id."""
    async with uow:
        await key_store.lock(uow.session)
        await key_store.retire_active(uow.session, now)
        kid = await _add_key(uow, sealer, now)
        await uow.commit()
    return kid


async def _add_key(uow: UnitOfWork, sealer: KeySealer, now: datetime) -> str:
    kid, private_key, public_jwk = new_key_pair()
    await key_store.add(uow.session, kid, public_jwk, sealer.seal(kid, private_key), now)
    return kid


class KeyRing:
    def __init__(self, new_uow: Callable[[], UnitOfWork], settings: IdentitySettings) -> None:
        self._new_uow = new_uow
        self._settings = settings
        self.sealer = KeySealer(settings.key_encryption_secret.get_secret_value())
        self._keys: list[SigningKey] = []
        self._verifier = TokenVerifier(None, settings.jwt_issuer, settings.jwt_audience)
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def start(self, now: datetime) -> None:
        await self._reload(now)

    async def _reload(self, now: datetime) -> None:
        keys = await self._load(now)
        if not any(key.retired_at is None for key in keys):
            # First start of the service (or a database restored without keys): make one.
            await ensure_signing_key(self._new_uow(), self.sealer, now)
            keys = await self._load(now)
        self._keys = keys
        self._verifier = TokenVerifier(None, self._settings.jwt_issuer, self._settings.jwt_audience, jwks=self._jwks())
        self._loaded_at = time.monotonic()

    async def _load(self, now: datetime) -> list[SigningKey]:
        uow = self._new_uow()
        async with uow:
            return await key_store.in_use(uow.session, self.sealer, now - retention(self._settings))

    async def _fresh(self, now: datetime, *, max_age_s: float | None = None) -> None:
        max_age = self._settings.signing_key_cache_s if max_age_s is None else max_age_s
        if time.monotonic() - self._loaded_at < max_age:
            return
        async with self._lock:
            if time.monotonic() - self._loaded_at >= max_age:
                await self._reload(now)

    def _jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self._keys]}

    async def signing_key(self, now: datetime) -> SigningKey:
        await self._fresh(now)
        active = [key for key in self._keys if key.retired_at is None]
        # Between another process's rotation and our reload the newest known key still signs.
        return (active or self._keys)[0]

    async def jwks(self, now: datetime) -> dict[str, Any]:
        await self._fresh(now)
        return self._jwks()

    async def verifier_for(self, token: str, now: datetime) -> TokenVerifier:
        """A verifier that knows the token's key if any process of ours signed with it."""
        await self._fresh(now)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return self._verifier
        if isinstance(kid, str) and all(key.kid != kid for key in self._keys):
            await self._fresh(now, max_age_s=UNKNOWN_KID_RELOAD_S)
        return self._verifier
