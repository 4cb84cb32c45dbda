"""The browsers each user signed in from, by key (domain/browsers.py), for the letter about a
sign-in from one not seen before."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, exists, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import known_browsers


async def knows_any(session: AsyncSession, user_id: UUID) -> bool:
    return bool(await session.scalar(select(exists().where(known_browsers.c.user_id == user_id))))


async def remember(session: AsyncSession, user_id: UUID, browser_key: str, now: datetime) -> bool:
    """Note the browser as seen now; True when it was not known."""
    statement = insert(known_browsers).values(
        user_id=user_id, browser_key=browser_key, first_seen_at=now, last_seen_at=now
    )
    inserted = await session.execute(statement.on_conflict_do_nothing().returning(known_browsers.c.user_id))
    if inserted.first() is not None:
        return True
    await session.execute(
        known_browsers.update()
        .where(known_browsers.c.user_id == user_id, known_browsers.c.browser_key == browser_key)
        .values(last_seen_at=now)
    )
    return False


async def forget_unseen_since(session: AsyncSession, before: datetime, batch: int) -> None:
    """Housekeeping: a browser not signed in from for long is new again (a batch at a time)."""
    doomed = (
        select(known_browsers.c.user_id, known_browsers.c.browser_key)
        .where(known_browsers.c.last_seen_at < before)
        .limit(batch)
    )
    key = tuple_(known_browsers.c.user_id, known_browsers.c.browser_key)
    await session.execute(delete(known_browsers).where(key.in_(doomed)))
