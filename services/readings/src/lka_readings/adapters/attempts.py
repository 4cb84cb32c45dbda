"""Submissions of the public form per client address, for its hourly limit (CONTRACT §2), in
the database so every API replica counts the same ones."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lka_readings.adapters.tables import anonymous_attempts

# Rows older than the window are useless; one attempt in a hundred sweeps them.
PRUNE_PROBABILITY = 0.01


async def lock(session: AsyncSession, client_address: str) -> None:
    """Serialise count-and-record per address, so parallel requests cannot all slip under the limit."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"anon-reading:{client_address}"}
    )


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
