"""Writing events into the outbox, inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from lka_common.events.envelope import CONTENT_TYPE, CloudEvent
from lka_common.messaging.tables import OUTBOX_CHANNEL, outbox


async def add_to_outbox(session: AsyncSession | AsyncConnection, events: list[tuple[CloudEvent, str, bool]]) -> None:
    """Insert (event, exchange, sensitive) rows and notify the relay when the transaction commits."""
    if not events:
        return
    await session.execute(
        insert(outbox),
        [
            {
                "message_id": event.id,
                "exchange": exchange,
                "routing_key": event.type,
                "body": event.to_json().decode(),
                "headers": {"content_type": CONTENT_TYPE},
                "sensitive": sensitive,
            }
            for event, exchange, sensitive in events
        ],
    )
    # NOTIFY is delivered only on commit, and not at all on rollback: exactly what we want.
    await session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))


async def outbox_lag_seconds(session: AsyncSession | AsyncConnection) -> float:
    """Age of the oldest unpublished row (0 when the outbox is drained)."""
    oldest = (
        await session.execute(select(func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None)))
    ).scalar_one_or_none()
    if oldest is None:
        return 0.0
    now = (await session.execute(select(func.now()))).scalar_one()
    lag: float = (now - oldest).total_seconds()
    return max(lag, 0.0)
