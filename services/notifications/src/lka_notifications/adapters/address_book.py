"""Where each user's letters go, kept current by identity's commands (who follows which account
is adapters/access.py)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_notifications.adapters.tables import address_book


async def save_address(session: AsyncSession, user_id: UUID, email: str, confirmed: bool) -> None:
    statement = insert(address_book).values(user_id=user_id, email=email, confirmed=confirmed, updated_at=func.now())
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[address_book.c.user_id],
            set_={
                "email": statement.excluded.email,
                "confirmed": statement.excluded.confirmed,
                "updated_at": func.now(),
            },
        )
    )


async def confirmed_address(session: AsyncSession, user_id: UUID) -> str | None:
    row = (
        await session.execute(
            select(address_book.c.email).where(address_book.c.user_id == user_id, address_book.c.confirmed.is_(True))
        )
    ).first()
    return row.email if row else None
