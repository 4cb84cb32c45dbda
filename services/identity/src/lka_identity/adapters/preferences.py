"""Which letters beyond the transactional ones each user wants; no row means every one."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import letter_preferences
from lka_identity.domain.preferences import PREFERENCE_NAMES, LetterPreferences


async def of_user(session: AsyncSession, user_id: UUID) -> LetterPreferences:
    columns = [letter_preferences.c[name] for name in PREFERENCE_NAMES]
    row = (await session.execute(select(*columns).where(letter_preferences.c.user_id == user_id))).first()
    if row is None:
        return LetterPreferences()
    return LetterPreferences(**{name: bool(getattr(row, name)) for name in PREFERENCE_NAMES})


async def save(session: AsyncSession, user_id: UUID, chosen: LetterPreferences, now: datetime) -> None:
    values = asdict(chosen)
    statement = insert(letter_preferences).values(user_id=user_id, updated_at=now, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[letter_preferences.c.user_id], set_={**values, "updated_at": now}
        )
    )
