"""Feedback rows: stored when received, listed for operators, counted for the limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, text
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


async def lock_client(session: AsyncSession, client_address: str) -> None:
    """Serialise one client's submissions for the rest of the transaction, so the limit holds."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"feedback:{client_address}"})


async def oldest_since(session: AsyncSession, client_address: str, since: datetime) -> tuple[int, datetime | None]:
    """How many messages this client sent since `since`, and when the oldest of them came."""
    row = (
        await session.execute(
            select(func.count(), func.min(feedback.c.created_at)).where(
                feedback.c.client_address == client_address, feedback.c.created_at >= since
            )
        )
    ).one()
    return int(row[0]), row[1]


async def newest(session: AsyncSession, limit: int, offset: int) -> list[Feedback]:
    rows = (
        await session.execute(
            select(feedback).order_by(feedback.c.created_at.desc(), feedback.c.id).limit(limit).offset(offset)
        )
    ).mappings()
    return [Feedback(**{k: v for k, v in row.items() if k != "client_address"}) for row in rows]
