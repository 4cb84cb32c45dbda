"""Feedback rows: stored when received, listed for operators, counted for the limit."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.attempts import AttemptLog
from lka_notifications.adapters.tables import feedback
from lka_notifications.domain.model import Feedback

# The limit counts the feedback rows themselves, per client address (lka_common.attempts): a
# message is its own attempt, and the rows are never swept as counters.
BY_CLIENT = AttemptLog("feedback", feedback, key=("client_address",), keep=None)


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


async def newest(session: AsyncSession, limit: int, offset: int) -> list[Feedback]:
    rows = (
        await session.execute(
            select(feedback).order_by(feedback.c.created_at.desc(), feedback.c.id).limit(limit).offset(offset)
        )
    ).mappings()
    return [Feedback(**{k: v for k, v in row.items() if k != "client_address"}) for row in rows]
