"""Failed link attempts: one row per failure and key, in the accounts database, so every API
replica counts the same ones (QUALITY 6)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import link_attempts
from lka_accounts.domain.throttling import Limit

# Rows older than any window are useless; a few failures in a hundred sweep them.
PRUNE_AFTER = timedelta(days=1)
PRUNE_PROBABILITY = 0.01


async def lock(session: AsyncSession, key: str) -> None:
    """Serialise check-and-record for one key until the transaction ends, so parallel guesses
    cannot all slip under the limit together."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"link:{key}"})


async def limit_th_newest(session: AsyncSession, limit: Limit, now: datetime) -> datetime | None:
    """The `limit.count`-th newest failure inside the window, if there are that many."""
    row = (
        await session.execute(
            select(link_attempts.c.created_at)
            .where(link_attempts.c.key == limit.key, link_attempts.c.created_at > now - limit.window)
            .order_by(link_attempts.c.created_at.desc())
            .offset(limit.count - 1)
            .limit(1)
        )
    ).first()
    return row.created_at if row else None


async def record(session: AsyncSession, keys: list[str], now: datetime) -> None:
    if random.random() < PRUNE_PROBABILITY:
        await session.execute(delete(link_attempts).where(link_attempts.c.created_at < now - PRUNE_AFTER))
    await session.execute(insert(link_attempts), [{"key": key, "created_at": now} for key in keys])
