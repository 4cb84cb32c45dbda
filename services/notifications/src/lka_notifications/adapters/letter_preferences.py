"""Which reminders each subscriber turned off: a projection of identity's
`identity.letter_preferences.changed.v1`. Each event carries every preference, so the newest
(by `changed_at`) is the whole truth and an older one arriving late changes nothing."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_notifications.adapters.tables import letter_preferences


async def save(session: AsyncSession, user_id: UUID, turned_off: list[str], changed_at: datetime) -> None:
    statement = insert(letter_preferences).values(user_id=user_id, turned_off=turned_off, changed_at=changed_at)
    new = statement.excluded
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[letter_preferences.c.user_id],
            set_={"turned_off": new.turned_off, "changed_at": new.changed_at},
            where=letter_preferences.c.changed_at < new.changed_at,
        )
    )


async def turned_off(session: AsyncSession, user_id: UUID, preference: str) -> bool:
    row = (
        await session.execute(select(letter_preferences.c.turned_off).where(letter_preferences.c.user_id == user_id))
    ).first()
    return row is not None and preference in row.turned_off
