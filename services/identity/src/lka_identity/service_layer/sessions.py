"""Sessions: opened at sign-in with a token pair, rotated on refresh, ended with an event.

A staff session has an absolute end (`staff_session_max_s`, 8 hours at most: docs/contract.md §4):
no refresh token or access token of it lives past that moment, so every service refuses it by
the token's own `exp`, and identity refuses to refresh it.

Ending a session writes a revocation row (the gateway loads those still in force at start-up)
and publishes `SessionRevoked` (every gateway replica hears it), in the same transaction.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from lka_common.events.identity import SessionRevoked
from lka_common.uow import UnitOfWork
from lka_identity.adapters import housekeeping, sessions
from lka_identity.adapters.signing import SigningKey, sign
from lka_identity.domain.access_tokens import access_claims
from lka_identity.domain.opaque_tokens import digest, new_secret
from lka_identity.domain.users import User
from lka_identity.service_layer import browser
from lka_identity.service_layer.context import IdentityContext

# About one sign-in in a hundred also sweeps rows no rule needs any more.
HOUSEKEEPING_PROBABILITY = 0.01


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


async def open_session(
    uow: UnitOfWork, ctx: IdentityContext, key: SigningKey, user: User, now: datetime, client: str | None
) -> TokenPair:
    if random.random() < HOUSEKEEPING_PROBABILITY:
        await housekeeping.prune(uow.session, now, ctx.registration_ttl)
    session_id = uuid.uuid4()
    ends_at = now + timedelta(seconds=ctx.settings.staff_session_max_s) if user.is_staff else None
    # The browser it signs in from, for the session list (service_layer/browser.py).
    agent = browser.current().user_agent
    await sessions.open_session(uow.session, session_id, user.id, now, client, ends_at, user_agent=agent)
    return await issue_pair(uow, ctx, key, user, session_id, now, ends_at)


async def issue_pair(
    uow: UnitOfWork,
    ctx: IdentityContext,
    key: SigningKey,
    user: User,
    session_id: UUID,
    now: datetime,
    ends_at: datetime | None = None,
) -> TokenPair:
    """A new refresh token in the session's family, and an access token naming the session;
    neither outlives `ends_at`, a staff session's end.

    The caller takes `key` from the key ring before its transaction begins: a reload of the
    ring needs a connection of its own, which must not be awaited while holding one.
    """
    refresh_token = new_secret()
    expires_at = now + timedelta(seconds=ctx.settings.refresh_token_ttl_s)
    access_ttl = ctx.access_ttl
    if ends_at is not None:
        expires_at = min(expires_at, ends_at)
        access_ttl = min(access_ttl, max(ends_at - now, timedelta(seconds=1)))
    await sessions.add_refresh_token(uow.session, digest(refresh_token), session_id, now, expires_at)
    settings = ctx.settings
    claims = access_claims(user, session_id, now, access_ttl, settings.jwt_issuer, settings.jwt_audience)
    return TokenPair(sign(claims, key), refresh_token, int(access_ttl.total_seconds()))


async def end_session(uow: UnitOfWork, user_id: UUID, session_id: UUID, now: datetime, reason: str) -> None:
    if await sessions.revoke(uow.session, session_id, now, reason):
        await sessions.add_revocation(uow.session, user_id, session_id, now)
        uow.publish(SessionRevoked(user_id=user_id, session_id=session_id, revoked_at=now), subject=str(user_id))


async def end_all_sessions(uow: UnitOfWork, user_id: UUID, now: datetime, reason: str) -> None:
    """Every session of the user, as one revocation with no session id (docs/quality.md item 3, 5)."""
    await sessions.revoke_all(uow.session, user_id, now, reason)
    await sessions.add_revocation(uow.session, user_id, None, now)
    uow.publish(SessionRevoked(user_id=user_id, session_id=None, revoked_at=now), subject=str(user_id))


async def end_other_sessions(uow: UnitOfWork, user_id: UUID, keep: UUID, now: datetime, reason: str) -> None:
    """Every session but the caller's: one revocation each, so the caller's stays valid."""
    for session_id in await sessions.revoke_all(uow.session, user_id, now, reason, keep=keep):
        await sessions.add_revocation(uow.session, user_id, session_id, now)
        uow.publish(SessionRevoked(user_id=user_id, session_id=session_id, revoked_at=now), subject=str(user_id))


async def session_is_live(uow: UnitOfWork, user_id: UUID, session_id: UUID | None) -> bool:
    if session_id is None:
        return False
    async with uow:
        return await sessions.is_live(uow.session, session_id, user_id)


async def revocations_in_force(uow: UnitOfWork, ctx: IdentityContext, now: datetime) -> list[sessions.Revocation]:
    """Those younger than the access-token lifetime: older ones concern only expired tokens."""
    async with uow:
        return await sessions.revocations_since(uow.session, now - ctx.access_ttl)
