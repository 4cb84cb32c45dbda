"""Feedback rows: stored when received, marked when forwarded to the supplier's mailbox."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_notifications.adapters.tables import feedback
from lka_notifications.domain.feedback import Feedback


async def add(session: AsyncSession, item: Feedback, client_address: str | None) -> None:
    await session.execute(
        insert(feedback).values(
            id=item.id,
            topic=item.topic,
            message=item.message,
            email=item.email,
            name=item.name,
            user_id=item.user_id,
            client_address=client_address,
            created_at=item.created_at,
        )
    )


async def get_for_update(session: AsyncSession, feedback_id: UUID) -> Feedback | None:
    row = (
        (await session.execute(select(feedback).where(feedback.c.id == feedback_id).with_for_update()))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return Feedback(**{k: v for k, v in row.items() if k != "client_address"})


async def mark_forwarded(session: AsyncSession, feedback_id: UUID) -> None:
    await session.execute(update(feedback).where(feedback.c.id == feedback_id).values(forwarded_at=func.now()))
