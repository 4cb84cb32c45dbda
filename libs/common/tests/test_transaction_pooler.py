"""A service behind PgBouncer in transaction mode (`db_transaction_pooler`, lka_common.db): many
clients share one server session, and nothing breaks for it: no prepared statement is found
missing or taken, the statement timeout is the role's, and the relay's LISTEN goes past it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aio_pika
import asyncpg
import pytest
from sqlalchemy import exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.base import EventData
from lka_common.messaging.relay import OutboxRelay
from lka_common.messaging.topology import declare_exchanges
from lka_common.migrations import MESSAGING_TABLES_V1, OUTBOX_NOTIFY_TRIGGER_V1
from lka_common.settings import ServiceSettings
from lka_common.testing.databases import plain_url
from lka_common.testing.private_servers import PrivatePgBouncer
from lka_common.testing.servers import Servers
from lka_common.uow import DriverUnitOfWork, UnitOfWork

ROLE_TIMEOUT_MS = 300


class PooledSettings(ServiceSettings):
    service_name = "poolertest"


class PooledProbe(EventData):
    event_type = "tests.pooled.probe.v1"
    note: str


@dataclass
class Pooled:
    pooler: PrivatePgBouncer
    direct_url: str  # past the pooler, as the role
    settings: PooledSettings


@pytest.fixture(scope="module")
def pooled(servers: Servers, run_id: str) -> Iterator[Pooled]:
    """A role with a statement timeout of its own, its database, and a PgBouncer with one server
    connection for it: every client below shares one server session."""
    role = name = f"lka_test_{run_id}_pooler"
    admin = plain_url(servers.postgres_url)
    server = make_url(servers.postgres_url)
    direct = f"postgresql+asyncpg://{role}:{role}@{server.host}:{server.port or 5432}/{name}"

    async def prepare() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{role}'")
            await conn.execute(f'ALTER ROLE "{role}" SET statement_timeout = {ROLE_TIMEOUT_MS}')
            await conn.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
        finally:
            await conn.close()
        conn = await asyncpg.connect(plain_url(direct))
        try:
            for statement in [*MESSAGING_TABLES_V1, *OUTBOX_NOTIFY_TRIGGER_V1, "CREATE TABLE notes (note TEXT)"]:
                await conn.execute(statement)
        finally:
            await conn.close()

    async def remove() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            await conn.close()

    asyncio.run(prepare())
    try:
        with PrivatePgBouncer([role], server.port or 5432, pool_size=1) as pooler:
            settings = PooledSettings(
                database_url=pooler.url(role, name),
                database_direct_url=direct,
                db_transaction_pooler=True,
                db_application_name=f"lka_poolertest@{run_id[:8]}",
                environment="test",
                db_pool_size=5,
            )
            yield Pooled(pooler, direct, settings)
    finally:
        asyncio.run(remove())


@pytest.fixture
async def engine(pooled: Pooled) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(pooled.settings)
    yield engine
    await engine.dispose()


async def test_many_clients_share_one_server_session_without_a_prepared_statement_error(
    pooled: Pooled, engine: AsyncEngine
) -> None:
    sessions = make_sessionmaker(engine)

    async def through_sqlalchemy(note: str) -> None:
        async with UnitOfWork(sessions, "/lka/tests") as uow:
            await uow.session.execute(text("INSERT INTO notes VALUES (:note)"), {"note": note})
            found = await uow.session.execute(text("SELECT count(*) FROM notes WHERE note = :note"), {"note": note})
            assert found.scalar_one() == 1
            await uow.commit()

    async def through_asyncpg(note: str) -> None:
        async with DriverUnitOfWork(engine, "/lka/tests", acquire_timeout_s=5) as uow:
            await uow.conn.execute("INSERT INTO notes VALUES ($1)", note)
            assert await uow.conn.fetchval("SELECT count(*) FROM notes WHERE note = $1", note) == 1
            await uow.commit()

    for round_ in range(3):  # the same statements again: nothing of an earlier round may be in the way
        await asyncio.gather(
            *(through_sqlalchemy(f"orm-{round_}-{i}") for i in range(10)),
            *(through_asyncpg(f"driver-{round_}-{i}") for i in range(10)),
        )

    conn = await asyncpg.connect(plain_url(pooled.direct_url))
    try:
        assert await conn.fetchval("SELECT count(*) FROM notes") == 60
        servers = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    assert servers == 1  # five pooled clients, one server session
    assert engine.pool.checkedout() == 0


async def test_the_statement_timeout_is_the_role_s_behind_the_pooler(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert (await conn.execute(text("SHOW statement_timeout"))).scalar_one() == f"{ROLE_TIMEOUT_MS}ms"
        with pytest.raises(exc.DBAPIError, match="statement timeout"):
            await conn.execute(text("SELECT pg_sleep(2)"))


async def test_the_relay_listens_past_the_pooler_and_publishes_on_commit(
    pooled: Pooled, engine: AsyncEngine, amqp_url: str
) -> None:
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    await declare_exchanges(channel)
    queue = await channel.declare_queue(f"test.{uuid.uuid4().hex}", exclusive=True)
    await queue.bind("lka.events", routing_key=PooledProbe.event_type)
    relay = OutboxRelay(
        engine,
        amqp_url,
        "tests",
        poll_interval_s=60,  # only the NOTIFY can wake it in time
        listen_url=pooled.settings.database_direct_url,
        application_name=pooled.settings.db_application_name,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        for _ in range(100):
            if relay.ready():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # asleep on LISTEN, its first poll done
        async with UnitOfWork(make_sessionmaker(engine), "/lka/tests") as uow:
            event_id = uow.publish(PooledProbe(note="pooled"), subject="probe").id
            await uow.commit()
        message = None
        for _ in range(100):
            message = await queue.get(fail=False, no_ack=True)
            if message is not None:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        await connection.close()

    assert message is not None and message.message_id == event_id
