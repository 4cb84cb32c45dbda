"""Publishing as billing does: persistent messages on `lka.events`, each confirmed by the broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
from aio_pika.abc import AbstractExchange

from lka_common.events.envelope import CONTENT_TYPE, CloudEvent
from lka_common.messaging.topology import declare_exchanges

PUBLISH_TIMEOUT_S = 10.0


class Publisher:
    def __init__(self, exchange: AbstractExchange) -> None:
        self._exchange = exchange

    async def publish(self, event: CloudEvent) -> None:
        """Returns once the broker has confirmed the message (the channel has confirms on)."""
        message = aio_pika.Message(
            event.to_json(),
            message_id=event.id,
            content_type=CONTENT_TYPE,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            type=event.type,
        )
        await self._exchange.publish(message, routing_key=event.type, mandatory=True, timeout=PUBLISH_TIMEOUT_S)


@asynccontextmanager
async def publisher(amqp_url: str) -> AsyncIterator[Publisher]:
    """A short-lived connection for a one-off load; the exchanges declared as the services do."""
    connection = await aio_pika.connect(amqp_url, timeout=10, client_properties={"connection_name": "billing-load"})
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchanges = await declare_exchanges(channel)
        yield Publisher(exchanges.events)
    finally:
        await connection.close()
