"""Writing events into the outbox, inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from lka_common.events.envelope import CONTENT_TYPE, CloudEvent
from lka_common.messaging.tables import outbox


async def add_to_outbox(session: AsyncSession | AsyncConnection, events: list[tuple[CloudEvent, str, bool]]) -> None:
    """Insert (event, exchange, sensitive) rows; the outbox's trigger wakes the relay when the
    transaction commits (lka_common.migrations.OUTBOX_NOTIFY_TRIGGER_V1)."""
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


_INSERT = (
    "INSERT INTO outbox (message_id, exchange, routing_key, body, headers, sensitive)"
    " VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)"
)
_HEADERS = json.dumps({"content_type": CONTENT_TYPE})


async def add_to_outbox_driver(conn: Any, events: list[tuple[CloudEvent, str, bool]]) -> None:
    """The same rows through asyncpg itself (`conn`), for lka_common.uow.DriverUnitOfWork."""
    rows = [
        (event.id, exchange, event.type, event.to_json().decode(), _HEADERS, sensitive)
        for event, exchange, sensitive in events
    ]
    if len(rows) == 1:
        await conn.execute(_INSERT, *rows[0])
    elif rows:
        await conn.executemany(_INSERT, rows)


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
