"""The inbox guard: a message is handled once per consumer, in the effect's transaction."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.messaging.tables import inbox


async def claim(session: AsyncSession, message_id: str, consumer: str) -> bool:
    """Record the message as handled by `consumer`; False when it already was (a duplicate).

    A concurrent duplicate blocks on the primary key until the first transaction ends, then
    sees the conflict: the same message ten times at once has one effect.
    """
    result = await session.execute(
        insert(inbox)
        .values(message_id=message_id, consumer=consumer)
        .on_conflict_do_nothing(index_elements=["message_id", "consumer"])
        .returning(inbox.c.message_id)
    )
    return result.first() is not None
