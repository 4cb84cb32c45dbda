"""Test helpers around events: publish one as its producer would, read a service's outbox,
and poll for an outcome with a deadline (never a bare sleep)."""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg

from lka_common.commands.notifications import SendReminders
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent
from lka_common.testing.amqp import publish_raw

T = TypeVar("T")


async def eventually(
    check: Callable[[], T | Awaitable[T | None] | None],
    what: str = "condition",
    timeout: float = 15,
    interval: float = 0.05,
) -> T:
    """Poll `check` (a plain or an async function) until it returns something truthy, and
    return that; after `timeout` fail with `what` (say what was awaited: the failure message is
    all a reader of CI sees). The one way tests wait for an outcome, never a bare sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # truthy, so neither None nor an awaitable
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        await asyncio.sleep(interval)


async def publish_event(
    amqp_url: str,
    data: EventData | None = None,
    *,
    event_id: str | None = None,
    source: str = "/billing",
    body: bytes | None = None,
    routing_key: str | None = None,
) -> str:
    """An event on `lka.events` as its producer sends it (persistent, confirmed); `body=` sends
    raw bytes instead (a poison message). Returns the message id."""
    event_id = event_id or str(uuid.uuid4())
    if body is None:
        assert data is not None
        envelope = CloudEvent(
            id=event_id, source=source, type=data.event_type, time=datetime.now(UTC), data=data.model_dump(mode="json")
        )
        body, routing_key = envelope.to_json(), data.event_type
    assert routing_key is not None
    await publish_raw(amqp_url, [(body, event_id)], routing_key)
    return event_id


async def outbox_data(db: asyncpg.Pool, routing_key: str, **match: Any) -> list[dict[str, Any]]:
    """The `data` of the events of this type a service wrote to its outbox whose fields equal
    `match`, oldest first (rows whose body the relay blanked are skipped)."""
    rows = await db.fetch("SELECT body FROM outbox WHERE routing_key = $1 AND body <> '' ORDER BY id", routing_key)
    return _matching([json.loads(row["body"])["data"] for row in rows], match)


async def outbox_reminders(db: asyncpg.Pool, template: str, **match: Any) -> list[dict[str, Any]]:
    """The letters of the `SendReminders` commands of this template a service wrote to its
    outbox, one dict per letter (`template`, `user_id`, `params`) whose fields equal `match`,
    in the order written."""
    commands = await outbox_data(db, SendReminders.event_type, template=template)
    return _matching([{"template": template, **letter} for command in commands for letter in command["letters"]], match)


def _matching(found: list[dict[str, Any]], match: dict[str, Any]) -> list[dict[str, Any]]:
    wanted = {key: str(value) if isinstance(value, uuid.UUID) else value for key, value in match.items()}
    return [data for data in found if all(data.get(key) == value for key, value in wanted.items())]
