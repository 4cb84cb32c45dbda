"""Exchanges and queues, declared idempotently by whoever uses them, with one set of arguments.

A redeclaration with other arguments closes the channel (PRECONDITION_FAILED), so every
argument lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

EVENTS_EXCHANGE = "lka.events"
COMMANDS_EXCHANGE = "lka.commands"
UNROUTED_EXCHANGE = "lka.events.unrouted"
UNROUTED_QUEUE = "lka.events.unrouted"
UNROUTED_MAX_LENGTH = 100_000
UNROUTED_TTL_MS = 7 * 24 * 3600 * 1000


@dataclass(frozen=True)
class Exchanges:
    events: AbstractExchange
    commands: AbstractExchange


async def declare_exchanges(channel: AbstractChannel) -> Exchanges:
    unrouted = await channel.declare_exchange(UNROUTED_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True)
    unrouted_queue = await channel.declare_queue(
        UNROUTED_QUEUE,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-max-length": UNROUTED_MAX_LENGTH,
            "x-message-ttl": UNROUTED_TTL_MS,
        },
    )
    await unrouted_queue.bind(unrouted)
    events = await channel.declare_exchange(
        EVENTS_EXCHANGE,
        aio_pika.ExchangeType.TOPIC,
        durable=True,
        arguments={"alternate-exchange": UNROUTED_EXCHANGE},
    )
    commands = await channel.declare_exchange(COMMANDS_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    return Exchanges(events=events, commands=commands)


def dead_letter_names(queue: str) -> tuple[str, str]:
    """The dead-letter exchange and queue of a consumer queue."""
    return f"{queue}.dlx", f"{queue}.dlq"


async def declare_consumer_queue(
    channel: AbstractChannel,
    exchange: AbstractExchange,
    queue_name: str,
    routing_keys: list[str],
    delivery_limit: int,
) -> AbstractQueue:
    """A quorum queue with an explicit delivery limit, its DLX and its `.dlq`, bound to its keys."""
    dlx_name, dlq_name = dead_letter_names(queue_name)
    dlx = await channel.declare_exchange(dlx_name, aio_pika.ExchangeType.FANOUT, durable=True)
    dlq = await channel.declare_queue(dlq_name, durable=True, arguments={"x-queue-type": "quorum"})
    await dlq.bind(dlx)
    queue = await channel.declare_queue(
        queue_name,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": delivery_limit,
            "x-dead-letter-exchange": dlx_name,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        },
    )
    for key in routing_keys:
        await queue.bind(exchange, routing_key=key)
    return queue
