"""What the notifications tests share beside their fixtures (conftest.py): commands and events
sent to the broker as their producers send them, the letters the catcher holds for an address,
and rows read from the service's database."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
import asyncpg
from aio_pika.abc import AbstractChannel

from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.testing.databases import plain_url
from lka_common.testing.events import eventually
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.store import CaughtLetter
from lka_notifications.settings import NotificationsSettings

# The `consumer` fixture: `await consumer(**overrides)` starts the subscriptions with those settings.
Consumer = Callable[..., Awaitable[None]]


def envelope(data: EventData, subject: str = "s") -> CloudEvent:
    return new_event(data, "/lka/tests", subject=subject)


async def send(channel: AbstractChannel, message: EventData | CloudEvent, exchange: str) -> CloudEvent:
    """Publish `message` (wrapped in an envelope unless it is one) as a persistent message, as the
    relay does; the envelope is returned, for its id or to send the same message again."""
    event = message if isinstance(message, CloudEvent) else envelope(message)
    target = await channel.get_exchange(exchange)
    await target.publish(
        aio_pika.Message(event.to_json(), message_id=event.id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        routing_key=event.type,
    )
    return event


def address() -> str:
    """A mailbox no other test writes to, so what the shared catcher holds for it is this test's."""
    return f"abonent-{uuid.uuid4().hex[:10]}@example.ru"


def letters_to(catcher: MailCatcher, address: str) -> list[CaughtLetter]:
    return [letter for letter in catcher.store if address in letter.to]


async def query(settings: NotificationsSettings, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def eventually_rows(settings: NotificationsSettings, sql: str, *args: Any) -> list[asyncpg.Record]:
    """The rows `sql` finds once it finds any; a failure naming the query if none come."""
    return await eventually(lambda: query(settings, sql, *args), f"rows of {sql}", timeout=10)
