"""Removing rows no rule needs any more, a bounded batch at a time.

Expired refresh and one-time tokens (and links of changes of address, staff sign-ins' second-step
challenges and staff invitations) can open nothing;
revocations older than a day concern only long-expired access tokens; a browser nobody signed
in from for a year is new again (the letter about a new browser); a lapsed registration (an
address nobody confirmed in time, see `User.lapsed`) holds an address that is free again and
personal data whose purpose has passed.
A sign-in now and then sweeps them (see service_layer/sessions.py), so no separate job has to
be scheduled, and no single sweep holds locks for long. Nothing waits for the sweep: until it
runs, every use case treats a lapsed registration as an unknown address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters import known_browsers, users
from lka_identity.adapters.tables import (
    email_changes,
    mfa_challenges,
    one_time_tokens,
    refresh_tokens,
    revocations,
    staff_invitations,
)

BATCH = 1000
KEEP_REVOCATIONS = timedelta(days=1)
# Kept a while after expiry: a reused token then still reads as "expired", not "unknown".
KEEP_EXPIRED_TOKENS = timedelta(days=1)
# A browser nobody signed in from for a year is new again (the letter about a new browser).
FORGET_BROWSERS = timedelta(days=365)


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
    await _sweep(
        session, email_changes, email_changes.c.token_hash, email_changes.c.expires_at, now - KEEP_EXPIRED_TOKENS
    )
    # Staff: sign-ins' second-step challenges and invitations past their time open nothing either.
    await _sweep(
        session, mfa_challenges, mfa_challenges.c.token_hash, mfa_challenges.c.expires_at, now - KEEP_EXPIRED_TOKENS
    )
    await _sweep(
        session, staff_invitations, staff_invitations.c.id, staff_invitations.c.expires_at, now - KEEP_EXPIRED_TOKENS
    )
    await known_browsers.forget_unseen_since(session, now - FORGET_BROWSERS, BATCH)
    # Each lapsed user goes with its consent and tokens in this same transaction (users.remove).
    await users.remove(session, await users.lapsed_registrations(session, now - registration_ttl, BATCH))
