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
    if events:
        await session.execute(insert(outbox), _rows(events))


_INSERT = (
    "INSERT INTO outbox (message_id, exchange, routing_key, body, headers, sensitive)"
    " VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)"
)


async def add_to_outbox_driver(conn: Any, events: list[tuple[CloudEvent, str, bool]]) -> None:
    """The same rows through asyncpg itself (`conn`), for lka_common.uow.DriverUnitOfWork."""
    rows = [
        (r["message_id"], r["exchange"], r["routing_key"], r["body"], json.dumps(r["headers"]), r["sensitive"])
        for r in _rows(events)
    ]
    if len(rows) == 1:
        await conn.execute(_INSERT, *rows[0])
    elif rows:
        await conn.executemany(_INSERT, rows)


def _rows(events: list[tuple[CloudEvent, str, bool]]) -> list[dict[str, Any]]:
    """The outbox row of each (event, exchange, sensitive)."""
    return [
        {
            "message_id": event.id,
            "exchange": exchange,
            "routing_key": event.type,
            "body": event.to_json().decode(),
            # The trace context too, beside the body: the relay continues it without parsing the body.
            "headers": {"content_type": CONTENT_TYPE, **event.trace_context()},
            "sensitive": sensitive,
        }
        for event, exchange, sensitive in events
    ]


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
