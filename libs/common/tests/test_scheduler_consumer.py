"""A consumer process that runs its jobs (lka_common.scheduler.consumer), against the real broker
and database: the jobs run at its start, on the consumer's pool or on one of their own; a
long-running task beside them (payments' poller) runs whether or not the replica schedules; on
stop all of it ends, then what they shared is closed, then the pools."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from lka_common.events.base import EventData
from lka_common.messaging.consumer import Subscription
from lka_common.migrations import MESSAGING_TABLES_V1, SCHEDULER_TABLES_V1
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.consumer import UowFactory, Work, consumer_with_jobs
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.settings import ServiceSettings
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.events import eventually
from lka_common.testing.servers import Servers

# What the job and the task beside it did, and on which pool (its size tells the pools apart).
DONE_DDL = "CREATE TABLE done (id BIGSERIAL PRIMARY KEY, who TEXT NOT NULL, pool_size INTEGER NOT NULL)"
CONSUMER_POOL = 3
OWN_POOL = (1, 1)
LINGER_S = 0.5
WIND_DOWN_S = 0.5


class ProbeSettings(ServiceSettings):
    service_name = "probe"


class Nothing(EventData):
    event_type = "tests.scheduler_consumer.nothing.v1"


async def ignore(*_: object) -> None:
    return None


@pytest.fixture(scope="module")
def consumer_database(servers: Servers, run_id: str) -> Iterator[str]:
    name = f"lka_test_{run_id}_scheduler_consumer"
    yield create_database(servers.postgres_url, name, [*MESSAGING_TABLES_V1, *SCHEDULER_TABLES_V1, DONE_DDL])
    drop_database(servers.postgres_url, name)


@pytest.fixture
async def db(consumer_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(consumer_database, pool_size=1)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE done, job_runs, scheduled_jobs"))
    yield engine
    await engine.dispose()


@pytest.fixture
def settings(consumer_database: str, amqp_url: str) -> ProbeSettings:
    return ProbeSettings(database_url=consumer_database, amqp_url=amqp_url, db_consumer_pool_size=CONSUMER_POOL)


def subscriptions() -> list[Subscription]:
    return [Subscription(queue="probe.scheduler_consumer", handlers={Nothing: ignore})]


async def record(uow_factory: UowFactory, who: str) -> None:
    async with uow_factory() as uow:
        engine = (await uow.session.connection()).engine
        pool_size = engine.pool.size()  # type: ignore[attr-defined]  # a QueuePool's
        await uow.session.execute(
            text("INSERT INTO done (who, pool_size) VALUES (:who, :size)"), {"who": who, "size": pool_size}
        )
        await uow.commit()


def jobs(uow_factory: UowFactory) -> list[Job]:
    async def batch(_: RunContext) -> BatchResult:
        await record(uow_factory, "job")
        return BatchResult(items=1)

    return [Job("probe.job", "0 3 1 1 *", batch)]  # besides its run at the start, once a year


async def done(db: AsyncEngine) -> list[tuple[str, int]]:
    async with db.connect() as conn:
        return [(r.who, r.pool_size) for r in await conn.execute(text("SELECT who, pool_size FROM done ORDER BY id"))]


async def run_statuses(db: AsyncEngine) -> list[str]:
    async with db.connect() as conn:
        return list((await conn.execute(text("SELECT status FROM job_runs"))).scalars())


async def until_stopped(
    work: Work, ready: Callable[[], bool], db: AsyncEngine, expected: list[tuple[str, int]]
) -> None:
    """Run the process's work until `done` holds what is expected, and a moment more (for what
    should not happen: a job run by a replica that schedules nothing would start at once), then
    stop it as a signal would; it must end, and nothing else be done."""
    stop = asyncio.Event()
    task = asyncio.create_task(work(stop))
    try:
        await eventually(ready, "the consumer is consuming", timeout=30)

        async def arrived() -> bool:
            return len(await done(db)) >= len(expected)

        await eventually(arrived, f"{expected} done", timeout=30)
        await asyncio.sleep(LINGER_S)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert sorted(await done(db)) == sorted(expected)


async def test_the_jobs_run_at_the_start_on_the_consumers_own_pool(settings: ProbeSettings, db: AsyncEngine) -> None:
    work, ready = consumer_with_jobs(settings, subscriptions, jobs, scheduler_enabled=True, clock=Clock(), lease_s=30)
    await until_stopped(work, ready, db, [("job", CONSUMER_POOL)])
    assert await run_statuses(db) == ["finished"]


async def test_a_task_beside_the_jobs_shares_their_pool_and_what_they_share_is_closed_last(
    settings: ProbeSettings, db: AsyncEngine
) -> None:
    story: list[str] = []

    async def poller(stop: asyncio.Event, uow_factory: UowFactory) -> None:
        await record(uow_factory, "beside")
        await stop.wait()
        await asyncio.sleep(WIND_DOWN_S)  # a round in flight finishes, still using what is shared
        story.append("beside ended")

    async def close() -> None:
        story.append("closed")

    work, ready = consumer_with_jobs(
        settings,
        subscriptions,
        jobs,
        scheduler_enabled=True,
        clock=Clock(),
        lease_s=30,
        own_pool=OWN_POOL,
        beside=poller,
        close=close,
    )
    await until_stopped(work, ready, db, [("beside", OWN_POOL[0]), ("job", OWN_POOL[0])])
    assert story == ["beside ended", "closed"]
    assert await run_statuses(db) == ["finished"]


async def test_a_replica_that_schedules_nothing_still_runs_the_task_beside(
    settings: ProbeSettings, db: AsyncEngine
) -> None:
    async def poller(stop: asyncio.Event, uow_factory: UowFactory) -> None:
        await record(uow_factory, "beside")
        await stop.wait()

    work, ready = consumer_with_jobs(
        settings,
        subscriptions,
        jobs,
        scheduler_enabled=False,
        clock=Clock(),
        lease_s=30,
        own_pool=OWN_POOL,
        beside=poller,
    )
    await until_stopped(work, ready, db, [("beside", OWN_POOL[0])])
    assert await run_statuses(db) == []
