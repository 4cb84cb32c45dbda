"""The inbox-guarded consumer runner against the real broker and database (docs/messaging.md §4–§6)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lka_common import tracing
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.messaging.consumer import ConsumerRunner, Subscription
from lka_common.messaging.errors import PermanentError, TransientError
from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.events import eventually
from lka_common.testing.metrics import sample
from lka_common.uow import UnitOfWork


class ProbeHappened(EventData):
    event_type = "tests.consumer.happened.v1"
    note: str


Behaviour = Callable[[str], Awaitable[None]]


@pytest.fixture
async def consumer(
    amqp_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Callable[[Behaviour], Awaitable[str]]]:
    """Start a runner on a queue of its own whose handler records an effect, then runs `behaviour`."""
    running: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    async def start(behaviour: Behaviour) -> str:
        queue = f"tests.{uuid.uuid4().hex[:12]}"

        async def handle(uow: UnitOfWork, data: ProbeHappened, event: CloudEvent) -> None:
            await uow.session.execute(
                text("INSERT INTO effects (message_id, note) VALUES (:id, :note)"), {"id": event.id, "note": data.note}
            )
            await behaviour(data.note)

        runner = ConsumerRunner(
            amqp_url,
            "tests",
            lambda: UnitOfWork(sessionmaker, "/lka/tests"),
            [Subscription(queue=queue, handlers={ProbeHappened: handle})],
            prefetch=20,
            delivery_limit=2,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop))
        running.append((stop, task))
        for _ in range(200):
            if runner.ready():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # queue declared and bound
        return queue

    yield start
    for stop, task in running:
        stop.set()
        await task


async def publish(
    channel: AbstractChannel, body: bytes, message_id: str, routing_key: str = ProbeHappened.event_type
) -> None:
    exchange = await channel.get_exchange(EVENTS_EXCHANGE)
    await exchange.publish(
        aio_pika.Message(body, message_id=message_id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key
    )


def probe(note: str) -> CloudEvent:
    return new_event(ProbeHappened(note=note), "/lka/tests", subject="probe")


async def effects(engine: AsyncEngine, note: str) -> int:
    async with engine.connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM effects WHERE note = :n"), {"n": note})).scalar_one()
    return int(count)


async def dead_letters(channel: AbstractChannel, queue: str) -> list[bytes]:
    dlq = await channel.declare_queue(f"{queue}.dlq", passive=True)
    bodies = []
    while (message := await dlq.get(fail=False)) is not None:
        bodies.append(message.body)
        await message.ack()
    return bodies


async def nothing(_: str) -> None:
    return None


async def test_same_event_delivered_ten_times_at_once_has_one_effect(
    consumer: Callable[[Behaviour], Awaitable[str]], channel: AbstractChannel, engine: AsyncEngine
) -> None:
    note = uuid.uuid4().hex

    async def slow(_: str) -> None:
        await asyncio.sleep(0.2)  # keep the transactions overlapping

    await consumer(slow)
    event = probe(note)
    await asyncio.gather(*(publish(channel, event.to_json(), event.id) for _ in range(10)))

    await eventually(lambda: _equals(effects(engine, note), 1))
    await asyncio.sleep(0.5)
    assert await effects(engine, note) == 1


async def test_poison_messages_go_to_the_dead_letter_queue_and_good_ones_flow(
    consumer: Callable[[Behaviour], Awaitable[str]], channel: AbstractChannel, engine: AsyncEngine
) -> None:
    queue = await consumer(nothing)
    good = [probe(f"good-{uuid.uuid4().hex}") for _ in range(3)]
    broken_data = CloudEvent(id=str(uuid.uuid4()), source="/billing", type=ProbeHappened.event_type, data={"x": 1})

    await publish(channel, good[0].to_json(), good[0].id)
    await publish(channel, b"{this is not json", str(uuid.uuid4()))
    await publish(channel, good[1].to_json(), good[1].id)
    await publish(channel, broken_data.to_json(), broken_data.id)
    await publish(channel, good[2].to_json(), good[2].id)

    for event in good:
        await eventually(lambda e=event: _equals(effects(engine, e.data["note"]), 1))
    bodies: list[bytes] = []
    await eventually(lambda: _collect(dead_letters(channel, queue), bodies, 2))
    assert b"{this is not json" in bodies
    assert broken_data.to_json() in bodies


async def test_transient_failure_is_retried_in_place_not_dead_lettered(
    consumer: Callable[[Behaviour], Awaitable[str]], channel: AbstractChannel, engine: AsyncEngine
) -> None:
    failures = {"left": 3}

    async def flaky(_: str) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise TransientError("database briefly unavailable")

    queue = await consumer(flaky)
    event = probe(uuid.uuid4().hex)
    await publish(channel, event.to_json(), event.id)

    await eventually(lambda: _equals(effects(engine, event.data["note"]), 1), timeout=15)
    assert failures["left"] == 0
    assert await dead_letters(channel, queue) == []


async def test_permanent_failure_is_dead_lettered_at_once_without_effect(
    consumer: Callable[[Behaviour], Awaitable[str]], channel: AbstractChannel, engine: AsyncEngine
) -> None:
    async def refuse(_: str) -> None:
        raise PermanentError("a domain rule refuses it")

    queue = await consumer(refuse)
    event = probe(uuid.uuid4().hex)
    await publish(channel, event.to_json(), event.id)

    bodies: list[bytes] = []
    await eventually(lambda: _collect(dead_letters(channel, queue), bodies, 1))
    assert bodies == [event.to_json()]
    assert await effects(engine, event.data["note"]) == 0


async def test_unknown_failure_is_retried_up_to_the_delivery_limit_then_dead_lettered(
    consumer: Callable[[Behaviour], Awaitable[str]], channel: AbstractChannel, engine: AsyncEngine
) -> None:
    attempts = {"n": 0}

    async def broken(_: str) -> None:
        attempts["n"] += 1
        raise RuntimeError("a bug")

    queue = await consumer(broken)
    event = probe(uuid.uuid4().hex)
    await publish(channel, event.to_json(), event.id)

    bodies: list[bytes] = []
    await eventually(lambda: _collect(dead_letters(channel, queue), bodies, 1))
    assert attempts["n"] == 3  # delivery limit 2: the first delivery and two redeliveries
    assert sample("lka_messages_redelivered_total", queue=queue) == 2  # flagged so by the broker
    assert await effects(engine, event.data["note"]) == 0


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


async def _collect(batch: Awaitable[list[bytes]], into: list[bytes], expected: int) -> bool:
    into.extend(await batch)
    return len(into) >= expected


async def test_a_consumer_continues_the_trace_the_event_carries(
    consumer: Callable[[Behaviour], Awaitable[str]], channel: AbstractChannel, engine: AsyncEngine
) -> None:
    raised: list[CloudEvent] = []

    async def raise_one(note: str) -> None:
        raised.append(new_event(ProbeHappened(note=f"after {note}"), "/lka/tests", subject="probe"))

    await consumer(raise_one)
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    event = probe(uuid.uuid4().hex).model_copy(update={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
    await publish(channel, event.to_json(), event.id)

    await eventually(lambda: _equals(effects(engine, event.data["note"]), 1))
    assert [tracing.trace_id_of(e.traceparent) for e in raised] == [trace_id]
