"""Where each user's letters go (kept current by identity's commands), and who follows which account."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_notifications.adapters.tables import account_subscribers, address_book


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


async def follow(session: AsyncSession, account_id: UUID, user_id: UUID) -> None:
    await session.execute(
        insert(account_subscribers).values(account_id=account_id, user_id=user_id).on_conflict_do_nothing()
    )


async def unfollow(session: AsyncSession, account_id: UUID, user_id: UUID) -> None:
    await session.execute(
        delete(account_subscribers).where(
            account_subscribers.c.account_id == account_id, account_subscribers.c.user_id == user_id
        )
    )


async def move_follows(session: AsyncSession, source_user_id: UUID, target_user_id: UUID) -> None:
    """After a merge the source's accounts are the target's (accounts re-links them too)."""
    rows = (
        await session.execute(
            select(account_subscribers.c.account_id).where(account_subscribers.c.user_id == source_user_id)
        )
    ).all()
    for row in rows:
        await follow(session, row.account_id, target_user_id)
    await session.execute(delete(account_subscribers).where(account_subscribers.c.user_id == source_user_id))


async def followers(session: AsyncSession, account_id: UUID) -> list[UUID]:
    rows = (
        await session.execute(
            select(account_subscribers.c.user_id).where(account_subscribers.c.account_id == account_id)
        )
    ).all()
    return [row.user_id for row in rows]
