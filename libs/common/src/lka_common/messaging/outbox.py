"""Writing events into the outbox, inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import CTE, Insert, Select, String, Text, cast, func, insert, literal, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import ColumnElement

from lka_common.events.base import EventData
from lka_common.events.envelope import CONTENT_TYPE, CloudEvent, event_attributes
from lka_common.messaging.tables import outbox


async def add_to_outbox(session: AsyncSession | AsyncConnection, events: list[tuple[CloudEvent, str, bool]]) -> None:
    """Insert (event, exchange, sensitive) rows; the outbox's trigger wakes the relay when the
    transaction commits (lka_common.migrations.OUTBOX_NOTIFY_TRIGGER_V1). Several rows are one
    statement (`_INSERT_MANY`), in their order."""
    if len(events) == 1:
        await session.execute(insert(outbox), _rows(events))
    elif events:
        await session.execute(text(_INSERT_MANY_BY_NAME), _columns(events))


_INSERT = (
    "INSERT INTO outbox (message_id, exchange, routing_key, body, headers, sensitive)"
    " VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)"
)

# A batch of rows (a scheduled job's thousand letters) as one statement over arrays, one per
# column: one execution and one firing of the statement trigger, where an executemany, though
# pipelined in one round trip, runs the statement and its trigger once per row
# (docs/performance.md "Reminders"). unnest keeps the arrays' order, so ids follow the events'.
_COLUMNS = ("message_id", "exchange", "routing_key", "body", "headers", "sensitive")
_ARRAY_TYPES = ("uuid[]", "text[]", "text[]", "text[]", "jsonb[]", "boolean[]")
_INSERT_MANY = (
    f"INSERT INTO outbox ({', '.join(_COLUMNS)})"
    f" SELECT * FROM unnest({', '.join(f'${i}::{t}' for i, t in enumerate(_ARRAY_TYPES, 1))})"
)
_INSERT_MANY_BY_NAME = (  # the same for SQLAlchemy's text(), which takes `:name::type` for no parameter
    f"INSERT INTO outbox ({', '.join(_COLUMNS)})"
    f" SELECT * FROM unnest({', '.join(f'CAST(:{c} AS {t})' for c, t in zip(_COLUMNS, _ARRAY_TYPES, strict=True))})"
)


async def add_to_outbox_driver(conn: Any, events: list[tuple[CloudEvent, str, bool]]) -> None:
    """The same rows through asyncpg itself (`conn`), for lka_common.uow.DriverUnitOfWork."""
    if len(events) == 1:
        (r,) = _rows(events)
        headers = json.dumps(r["headers"])
        await conn.execute(
            _INSERT, r["message_id"], r["exchange"], r["routing_key"], r["body"], headers, r["sensitive"]
        )
    elif events:
        columns = _columns(events)
        await conn.execute(_INSERT_MANY, *(columns[name] for name in _COLUMNS))


def _columns(events: list[tuple[CloudEvent, str, bool]]) -> dict[str, list[Any]]:
    """The rows of `_rows` as one list per column, the headers as JSON text."""
    rows = _rows(events)
    columns: dict[str, list[Any]] = {name: [row[name] for row in rows] for name in _COLUMNS}
    columns["headers"] = [json.dumps(headers) for headers in columns["headers"]]
    return columns


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


def outbox_rows_from(data: Select[Any] | CTE, event: type[EventData], source: str, subject: str) -> Insert:
    """The outbox rows of `event`s, one per row of `data` (its column `data`: the event's data as
    JSON), for a statement that selects them and writes them at once, for a batch too large to
    pass through Python as models (service_layer/reading_window.py in readings: a thousand
    letters). Each row's envelope is `new_event`'s: the same attributes, and the event its own
    correlation and cause when no request or message is running, its id made here."""
    attributes = event_attributes(event.event_type, source, subject)
    model = CloudEvent.model_construct(id="", **attributes)
    envelope = model.model_dump(mode="json", exclude_none=True, exclude={"id", "correlationid", "causationid", "data"})
    headers = {"content_type": CONTENT_TYPE, **model.trace_context()}  # as `_rows` writes them
    rows = data.subquery("event_data") if isinstance(data, Select) else data
    with_ids = select(func.gen_random_uuid().label("id"), rows.c.data).subquery("event_rows")
    event_id = cast(with_ids.c.id, String)
    correlation = func.coalesce(literal(attributes.get("correlationid"), String), event_id)
    causation = func.coalesce(literal(attributes.get("causationid"), String), correlation)
    # JSON built as text (json_build_object), not JSONB: the body is written once and parsed by its readers.
    fields: dict[str, ColumnElement[Any]] = {name: literal(value, String) for name, value in envelope.items()}
    fields |= {"id": event_id, "correlationid": correlation, "causationid": causation, "data": with_ids.c.data}
    body = json_object(fields)
    columns = select(
        with_ids.c.id,
        literal(event.exchange),
        literal(event.event_type),
        cast(body, Text),
        literal(headers, JSONB),
        literal(event.sensitive),
    )
    return insert(outbox).from_select(list(_COLUMNS), columns)


def json_object(fields: dict[str, ColumnElement[Any]]) -> ColumnElement[Any]:
    """A JSON object of these fields, built by the statement (`json_build_object`)."""
    return func.json_build_object(*(part for name, column in fields.items() for part in (name, column)))


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
