"""The attempt counters behind the limits: one row per attempt, in the identity database, so
every replica counts the same attempts (QUALITY 6)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import attempts
from lka_identity.domain.throttling import AttemptKind, Limit

# Rows older than any window are useless; a few calls in a hundred sweep them.
PRUNE_AFTER = timedelta(days=1)
PRUNE_PROBABILITY = 0.01


async def lock(session: AsyncSession, kind: AttemptKind, key: str) -> None:
    """Serialise check-and-record for one counter until the transaction ends, so parallel
    attempts cannot all slip under the limit together."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"{kind}:{key}"})


async def limit_th_newest(
    session: AsyncSession, kind: AttemptKind, key: str, limit: Limit, now: datetime
) -> datetime | None:
    """The `limit.count`-th newest attempt inside the window, if there are that many."""
    row = (
        await session.execute(
            select(attempts.c.created_at)
            .where(attempts.c.kind == kind.value, attempts.c.key == key, attempts.c.created_at > now - limit.window)
            .order_by(attempts.c.created_at.desc())
            .offset(limit.count - 1)
            .limit(1)
        )
    ).first()
    return row.created_at if row else None


async def record(session: AsyncSession, kind: AttemptKind, keys: list[str], now: datetime) -> list[int]:
    if random.random() < PRUNE_PROBABILITY:
        # Rows another transaction holds are left for a later sweep rather than waited for.
        stale = (
            select(attempts.c.id)
            .where(attempts.c.created_at < now - PRUNE_AFTER)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        await session.execute(delete(attempts).where(attempts.c.id.in_(stale)))
    if not keys:
        return []
    rows = await session.execute(
        insert(attempts).returning(attempts.c.id), [{"kind": kind.value, "key": k, "created_at": now} for k in keys]
    )
    return [row.id for row in rows]


async def forget(session: AsyncSession, ids: list[int]) -> None:
    """Take back attempts that proved right (a correct password is not a failure)."""
    if ids:
        await session.execute(delete(attempts).where(attempts.c.id.in_(ids)))


async def clear(session: AsyncSession, kind: AttemptKind, key: str) -> None:
    await session.execute(delete(attempts).where(attempts.c.kind == kind.value, attempts.c.key == key))
