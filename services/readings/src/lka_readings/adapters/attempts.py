"""Attempts of the public form, for its limits (CONTRACT §2): per client address (an hour) and
per account (a day in Crimea). In the database so every API replica counts the same ones, each
count-and-record serialised by a transaction-scoped advisory lock on its key."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lka_readings.adapters.tables import anonymous_account_attempts, anonymous_attempts

# Rows older than the window are useless; one attempt in a hundred sweeps them.
PRUNE_PROBABILITY = 0.01
# A day in Crimea is at most 24 h (no daylight saving there); two leave a margin.
ACCOUNT_ROWS_KEPT = timedelta(days=2)


async def _lock(session: AsyncSession, key: str) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


async def lock(session: AsyncSession, client_address: str) -> None:
    """Serialise count-and-record per address, so parallel requests cannot all slip under the limit."""
    await _lock(session, f"anon-reading:{client_address}")


async def nth_newest(session: AsyncSession, client_address: str, n: int, since: datetime) -> datetime | None:
    """The n-th newest attempt after `since`, if there are that many."""
    row = (
        await session.execute(
            select(anonymous_attempts.c.created_at)
            .where(anonymous_attempts.c.client_address == client_address, anonymous_attempts.c.created_at > since)
            .order_by(anonymous_attempts.c.created_at.desc())
            .offset(n - 1)
            .limit(1)
        )
    ).first()
    return row.created_at if row else None


async def record(session: AsyncSession, client_address: str, now: datetime, window: timedelta) -> None:
    if random.random() < PRUNE_PROBABILITY:
        await session.execute(delete(anonymous_attempts).where(anonymous_attempts.c.created_at < now - window))
    await session.execute(insert(anonymous_attempts).values(client_address=client_address, created_at=now))


async def lock_account(session: AsyncSession, region_code: str, number: str) -> None:
    """Serialise count-and-record per account, whichever addresses the requests come from."""
    await _lock(session, f"anon-reading-account:{region_code}/{number}")


async def has_account_attempts(session: AsyncSession, region_code: str, number: str, n: int, since: datetime) -> bool:
    """Whether the account has at least n attempts from `since` on."""
    table = anonymous_account_attempts
    row = (
        await session.execute(
            select(table.c.id)
            .where(table.c.region_code == region_code, table.c.account_number == number, table.c.created_at >= since)
            .offset(n - 1)
            .limit(1)
        )
    ).first()
    return row is not None


async def record_account(session: AsyncSession, region_code: str, number: str, now: datetime) -> None:
    table = anonymous_account_attempts
    if random.random() < PRUNE_PROBABILITY:
        await session.execute(delete(table).where(table.c.created_at < now - ACCOUNT_ROWS_KEPT))
    await session.execute(insert(table).values(region_code=region_code, account_number=number, created_at=now))
