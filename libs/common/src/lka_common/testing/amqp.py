"""AMQP helpers for tests: a queue of the test's own on `lka.events`, raw publishing, reading
back what is in a queue, and its depth, each on a short-lived connection of its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue

from lka_common.messaging.topology import EVENTS_EXCHANGE, declare_exchanges


@dataclass(frozen=True)
class Received:
    message_id: str | None
    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)
    redelivered: bool = False


@asynccontextmanager
async def amqp_channel(amqp_url: str, *, confirms: bool = True) -> AsyncIterator[AbstractChannel]:
    """A plain (not robust) connection and channel, closed on exit."""
    connection = await aio_pika.connect(amqp_url, timeout=10)
    try:
        yield await connection.channel(publisher_confirms=confirms)
    finally:
        await connection.close()


async def declare_test_queue(
    amqp_url: str, name: str, bindings: Sequence[tuple[str, str]], *, quorum: bool = True
) -> None:
    """A durable queue bound by (exchange, routing key) pairs, standing for one more subscriber
    the test can read; the exchanges are declared as the services declare them."""
    async with amqp_channel(amqp_url) as channel:
        await declare_exchanges(channel)
        queue = await channel.declare_queue(
            name, durable=True, arguments={"x-queue-type": "quorum"} if quorum else None
        )
        for exchange, key in bindings:
            await queue.bind(exchange, routing_key=key)


async def publish_raw(
    amqp_url: str,
    messages: Sequence[tuple[bytes, str | None]],
    routing_key: str,
    *,
    exchange: str = EVENTS_EXCHANGE,
    concurrently: bool = False,
) -> None:
    """Publish (body, message_id) pairs as persistent messages, each confirmed by the broker."""
    async with amqp_channel(amqp_url) as channel:
        target = await channel.get_exchange(exchange, ensure=False)

        async def one(body: bytes, message_id: str | None) -> None:
            message = aio_pika.Message(
                body,
                message_id=message_id,
                content_type="application/cloudevents+json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await target.publish(message, routing_key=routing_key, mandatory=True, timeout=10)

        if concurrently:
            await asyncio.gather(*(one(body, mid) for body, mid in messages))
        else:
            for body, mid in messages:
                await one(body, mid)


async def queue_depth(amqp_url: str, name: str) -> int:
    """Messages ready in the queue (unacknowledged ones are not counted)."""
    async with amqp_channel(amqp_url, confirms=False) as channel:
        queue: AbstractQueue = await channel.declare_queue(name, passive=True, timeout=10)
        return int(queue.declaration_result.message_count or 0)


async def drain(amqp_url: str, name: str, *, idle_s: float = 0.3, timeout: float = 30) -> list[Received]:
    """Take (and ack) every message in the queue: consume until it has been idle for `idle_s`."""
    received: list[Received] = []
    async with amqp_channel(amqp_url, confirms=False) as channel:
        await channel.set_qos(prefetch_count=500)
        queue = await channel.declare_queue(name, passive=True, timeout=10)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with queue.iterator() as messages:
            while loop.time() < deadline:
                try:
                    message = await asyncio.wait_for(messages.__anext__(), timeout=idle_s)
                except TimeoutError:
                    break
                received.append(
                    Received(message.message_id, message.body, dict(message.headers or {}), bool(message.redelivered))
                )
                await message.ack()
    return received
