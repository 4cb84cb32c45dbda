"""Removing rows no rule needs any more, a bounded batch at a time.

Expired refresh and one-time tokens can open nothing; revocations older than a day concern only
long-expired access tokens; a lapsed registration (an address nobody confirmed in time, see
`User.lapsed`) holds an address that is free again and personal data whose purpose has passed.
A sign-in now and then sweeps them (see service_layer/sessions.py), so no separate job has to
be scheduled, and no single sweep holds locks for long. Nothing waits for the sweep: until it
runs, every use case treats a lapsed registration as an unknown address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters import users
from lka_identity.adapters.tables import one_time_tokens, refresh_tokens, revocations

BATCH = 1000
KEEP_REVOCATIONS = timedelta(days=1)
# Kept a while after expiry: a reused token then still reads as "expired", not "unknown".
KEEP_EXPIRED_TOKENS = timedelta(days=1)


async def _sweep(
    session: AsyncSession, table: Table, key: Column[object], moment: Column[datetime], before: datetime
) -> None:
    doomed = select(key).where(moment < before).limit(BATCH).scalar_subquery()
    await session.execute(delete(table).where(key.in_(doomed)))


async def prune(session: AsyncSession, now: datetime, registration_ttl: timedelta) -> None:
    await _sweep(session, revocations, revocations.c.id, revocations.c.revoked_at, now - KEEP_REVOCATIONS)
    await _sweep(
        session, refresh_tokens, refresh_tokens.c.token_hash, refresh_tokens.c.expires_at, now - KEEP_EXPIRED_TOKENS
    )
    await _sweep(
        session, one_time_tokens, one_time_tokens.c.token_hash, one_time_tokens.c.expires_at, now - KEEP_EXPIRED_TOKENS
    )
    # Each lapsed user goes with its consent and tokens in this same transaction (users.remove).
    await users.remove(session, await users.lapsed_registrations(session, now - registration_ttl, BATCH))
