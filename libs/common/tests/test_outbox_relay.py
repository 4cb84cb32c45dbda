"""The outbox and its relay against the real PostgreSQL and RabbitMQ (docs/messaging.md §1–§3, §8)."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lka_common.events.base import EventData
from lka_common.messaging.relay import OutboxRelay
from lka_common.messaging.tables import outbox
from lka_common.messaging.topology import COMMANDS_EXCHANGE, UNROUTED_QUEUE
from lka_common.uow import DriverUnitOfWork, UnitOfWork


class ProbeHappened(EventData):
    event_type = "tests.probe.happened.v1"
    note: str


class SecretProbeCommand(EventData):
    event_type = "tests.probe.secret.v1"
    exchange = COMMANDS_EXCHANGE
    sensitive = True
    link: str


async def bound_queue(channel: AbstractChannel, routing_key: str, exchange: str = "lka.events") -> AbstractQueue:
    queue = await channel.declare_queue(f"test.{uuid.uuid4().hex}", exclusive=True)
    await queue.bind(exchange, routing_key=routing_key)
    return queue


async def drain(queue: AbstractQueue, expected: int, timeout: float = 10) -> list[aio_pika.abc.AbstractIncomingMessage]:
    got: list[aio_pika.abc.AbstractIncomingMessage] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(got) < expected and asyncio.get_running_loop().time() < deadline:
        message = await queue.get(fail=False, no_ack=True)
        if message is None:
            await asyncio.sleep(0.05)
        else:
            got.append(message)
    return got


def relay(engine: AsyncEngine, amqp_url: str, batch_size: int = 100) -> OutboxRelay:
    return OutboxRelay(engine, amqp_url, "tests", batch_size=batch_size)


async def start(r: OutboxRelay) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stop = asyncio.Event()
    task = asyncio.create_task(r.run(stop))
    for _ in range(100):
        if r.ready():
            break
        await asyncio.sleep(0.05)
    return stop, task


async def publish_once(r: OutboxRelay) -> int:
    await r.connect()
    try:
        return await r.publish_batch()
    finally:
        await r.close()


async def raise_events(sessionmaker: async_sessionmaker[AsyncSession], *events: EventData) -> list[str]:
    async with UnitOfWork(sessionmaker, "/lka/tests") as uow:
        ids = [uow.publish(e, subject="probe").id for e in events]
        await uow.commit()
    return ids


async def test_committed_event_is_published_persistent_with_its_id_and_marked(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str, channel: AbstractChannel
) -> None:
    queue = await bound_queue(channel, ProbeHappened.event_type)
    note = uuid.uuid4().hex
    r = relay(engine, amqp_url)
    stop, task = await start(r)
    try:
        (event_id,) = await raise_events(sessionmaker, ProbeHappened(note=note))
        messages = [m for m in await drain(queue, 1) if m.message_id == event_id]
    finally:
        stop.set()
        await task

    assert len(messages) == 1
    assert messages[0].delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert note.encode() in messages[0].body
    async with engine.connect() as conn:
        published_at = (
            await conn.execute(select(outbox.c.published_at).where(outbox.c.message_id == event_id))
        ).scalar_one()
    assert published_at is not None


async def test_rolled_back_unit_of_work_leaves_no_event(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    note = uuid.uuid4().hex
    async with UnitOfWork(sessionmaker, "/lka/tests") as uow:
        event = uow.publish(ProbeHappened(note=note), subject="probe")
        await uow.session.execute(text("INSERT INTO effects (message_id) VALUES (:id)"), {"id": event.id})
        # no commit: leaving the block rolls back

    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox).where(outbox.c.message_id == event.id))).all()
        effects = (
            await conn.execute(text("SELECT count(*) FROM effects WHERE message_id = :id"), {"id": event.id})
        ).scalar()
    assert rows == []
    assert effects == 0


async def test_event_nobody_subscribes_to_is_kept_in_the_unrouted_queue(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str, channel: AbstractChannel
) -> None:
    (event_id,) = await raise_events(sessionmaker, ProbeHappened(note="nobody listens"))

    taken = await publish_once(relay(engine, amqp_url))

    assert taken >= 1
    unrouted = await channel.declare_queue(UNROUTED_QUEUE, passive=True)
    ids = set()
    while (message := await unrouted.get(fail=False)) is not None:
        ids.add(message.message_id)
        await message.ack()
    assert event_id in ids
    async with engine.connect() as conn:
        published_at = (
            await conn.execute(select(outbox.c.published_at).where(outbox.c.message_id == event_id))
        ).scalar_one()
    assert published_at is not None


async def test_secret_command_body_is_blanked_once_confirmed(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str, channel: AbstractChannel
) -> None:
    queue = await bound_queue(channel, SecretProbeCommand.event_type, exchange=COMMANDS_EXCHANGE)
    (event_id,) = await raise_events(sessionmaker, SecretProbeCommand(link="https://x/confirm?token=s3cret"))

    await publish_once(relay(engine, amqp_url))

    messages = [m for m in await drain(queue, 1) if m.message_id == event_id]
    assert b"s3cret" in messages[0].body
    async with engine.connect() as conn:
        body = (await conn.execute(select(outbox.c.body).where(outbox.c.message_id == event_id))).scalar_one()
    assert body == ""


async def test_unroutable_command_is_retried_with_back_off_not_marked(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str
) -> None:
    # No queue is bound for this command: the broker returns it, and the row must stay unpublished.
    (event_id,) = await raise_events(sessionmaker, SecretProbeCommand(link="https://x/reset?token=t"))

    await publish_once(relay(engine, amqp_url))

    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    outbox.c.published_at, outbox.c.attempts, outbox.c.body, outbox.c.next_attempt_at > text("now()")
                ).where(outbox.c.message_id == event_id)
            )
        ).one()
    assert row[0] is None
    assert row[1] == 1
    assert "token=t" in row[2]
    assert row[3] is True


async def test_two_relays_at_once_publish_each_row_once(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str, channel: AbstractChannel
) -> None:
    queue = await bound_queue(channel, ProbeHappened.event_type)
    ids = set(await raise_events(sessionmaker, *(ProbeHappened(note=str(i)) for i in range(300))))

    first, second = relay(engine, amqp_url, batch_size=50), relay(engine, amqp_url, batch_size=50)
    (stop1, task1), (stop2, task2) = await start(first), await start(second)
    try:
        messages = await drain(queue, 300, timeout=20)
        extra = await drain(queue, 1, timeout=1)
    finally:
        stop1.set()
        stop2.set()
        await asyncio.gather(task1, task2)

    received = [m.message_id for m in messages + extra if m.message_id in ids]
    assert len(received) == 300
    assert set(received) == ids


async def test_a_commit_wakes_the_relay_through_the_outbox_trigger_and_a_busy_relay_batches(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str, channel: AbstractChannel
) -> None:
    """Nothing but the outbox's insert trigger tells the relay (polling every 60 s here): each
    commit is published at once, also the ones that came while a lingering relay waited."""
    queue = await bound_queue(channel, ProbeHappened.event_type)
    r = OutboxRelay(engine, amqp_url, "tests", poll_interval_s=60, linger_s=0.05)
    stop, task = await start(r)
    try:
        await asyncio.sleep(0.2)  # asleep on LISTEN, its first poll done
        ids = []
        for i in range(20):  # a commit every 10 ms: a busy service
            ids += await raise_events(sessionmaker, ProbeHappened(note=str(i)))
            await asyncio.sleep(0.01)
        messages = await drain(queue, 20, timeout=5)
    finally:
        stop.set()
        await task
    assert sorted(m.message_id for m in messages) == sorted(ids)
    async with engine.connect() as conn:
        batches = (
            await conn.execute(
                select(func.count(func.distinct(outbox.c.published_at))).where(outbox.c.message_id.in_(ids))
            )
        ).scalar_one()
    # published_at is the batch's now(): 20 commits went out in fewer batches than commits.
    assert batches < 20, batches


async def test_the_drivers_unit_of_work_writes_its_events_on_commit_only(
    engine: AsyncEngine, amqp_url: str, channel: AbstractChannel
) -> None:
    queue = await bound_queue(channel, ProbeHappened.event_type)
    kept, dropped = uuid.uuid4().hex, uuid.uuid4().hex
    r = OutboxRelay(engine, amqp_url, "tests", poll_interval_s=60)
    stop, task = await start(r)
    try:
        async with DriverUnitOfWork(engine, "/lka/tests", acquire_timeout_s=1) as uow:
            committed = uow.publish(ProbeHappened(note=kept), subject="probe")
            await uow.conn.execute("INSERT INTO effects (message_id) VALUES ($1)", committed.id)
            await uow.commit()
        async with DriverUnitOfWork(engine, "/lka/tests", acquire_timeout_s=1) as uow:
            rolled_back = uow.publish(ProbeHappened(note=dropped), subject="probe")
            await uow.conn.execute("INSERT INTO effects (message_id) VALUES ($1)", rolled_back.id)
            # no commit: leaving the block rolls back
        messages = await drain(queue, 1)
        messages += await drain(queue, 1, timeout=1)
    finally:
        stop.set()
        await task
    assert [(m.message_id, kept.encode() in m.body) for m in messages] == [(committed.id, True)]
    async with engine.connect() as conn:
        effects = (
            await conn.execute(
                text("SELECT message_id FROM effects WHERE message_id IN (:a, :b)"),
                {"a": committed.id, "b": rolled_back.id},
            )
        ).scalars()
        assert list(effects) == [committed.id]
    assert engine.pool.checkedout() == 0  # both connections given back
