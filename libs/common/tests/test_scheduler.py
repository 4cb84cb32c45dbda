"""The scheduler (lka_common.scheduler): one runner at a time by the lease row, a run recorded
batch by batch, a run that died resumed by the next runner without acting twice on an item, a
failing batch tried again, and one that keeps failing recorded as a failed run that gives the
lease back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from lka_common import tracing
from lka_common.commands.notifications import SendLetter
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.migrations import SCHEDULER_TABLES_V1
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import BatchResult, Job, JobRunner, RunContext, recent_runs
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.servers import Servers

TEMPLATE = "reading_window_reminder"
tracing.configure_tracing("scheduler-test")  # as every worker process does at its start
ITEMS_DDL = "CREATE TABLE items (n INTEGER PRIMARY KEY, done_by TEXT)"  # the job's own keyed work


@pytest.fixture(scope="module")
def scheduler_database(servers: Servers, run_id: str) -> Iterator[str]:
    name = f"lka_test_{run_id}_scheduler"
    yield create_database(servers.postgres_url, name, [*SCHEDULER_TABLES_V1, ITEMS_DDL])
    drop_database(servers.postgres_url, name)


@pytest.fixture
async def db(scheduler_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(scheduler_database, pool_size=4)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE items, job_runs, scheduled_jobs"))
        await conn.execute(text("INSERT INTO items (n) SELECT generate_series(1, 25)"))
    yield engine
    await engine.dispose()


def keyed_job(db: AsyncEngine, name: str = "numbers", batch_size: int = 10, pause: float = 0) -> Job:
    """A job acting on the items not done yet, a batch at a time, each item marked done in the
    same statement that claims it (its key: the item's number)."""

    async def batch(context: RunContext) -> BatchResult:
        await asyncio.sleep(pause)
        async with db.begin() as conn:
            done = await conn.execute(
                text(
                    "UPDATE items SET done_by = :run WHERE n IN (SELECT n FROM items WHERE done_by IS NULL"
                    " ORDER BY n LIMIT :size FOR UPDATE SKIP LOCKED) RETURNING n"
                ),
                {"run": str(context.run_id), "size": batch_size},
            )
            count = len(done.all())
        return BatchResult(items=count, more=count == batch_size)

    return Job(name, "0 3 * * *", batch)


async def test_a_run_works_in_batches_and_records_its_progress(db: AsyncEngine) -> None:
    record = await JobRunner(db, Clock()).run(keyed_job(db))

    assert record is not None
    assert (record.status, record.batches, record.items, record.failures) == ("finished", 3, 25, 0)
    async with db.connect() as conn:
        (run,) = await recent_runs(conn)
        lease = (await conn.execute(text("SELECT lease_owner, lease_until FROM scheduled_jobs"))).one()
    assert (run["job"], run["status"], run["items"]) == ("numbers", "finished", 25)
    assert run["finished_at"] is not None
    assert tuple(lease) == (None, None)  # given back at the end


async def test_two_runners_racing_one_runs_the_other_stands_aside(db: AsyncEngine) -> None:
    job = keyed_job(db, batch_size=5, pause=0.05)
    first, second = await asyncio.gather(JobRunner(db, Clock()).run(job), JobRunner(db, Clock()).run(job))

    assert sorted([first is None, second is None]) == [False, True]
    async with db.connect() as conn:
        runs = await recent_runs(conn)
        doers = (await conn.execute(text("SELECT count(DISTINCT done_by), count(*) FROM items"))).one()
    assert [run["status"] for run in runs] == ["finished"]
    assert tuple(doers) == (1, 25)


async def test_a_run_whose_runner_died_is_interrupted_and_the_next_resumes_it(db: AsyncEngine) -> None:
    job = keyed_job(db, batch_size=10, pause=0.2)
    dying = JobRunner(db, Clock(), lease_s=0.5)
    task = asyncio.create_task(dying.run(job))
    await asyncio.sleep(0.35)  # inside its second batch: 10 items done
    task.cancel()  # as a SIGKILL would leave it, but for the record, which a kill cannot write:
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.begin() as conn:
        await conn.execute(text("UPDATE job_runs SET status = 'running', finished_at = NULL"))
        await conn.execute(
            text("UPDATE scheduled_jobs SET lease_owner = :me, lease_until = now() + interval '0.5 s'"),
            {"me": dying.name},
        )

    early = await JobRunner(db, Clock(), lease_s=0.5).run(job)
    assert early is None  # the dead runner's lease has not lapsed yet
    await asyncio.sleep(0.6)
    resumed = await JobRunner(db, Clock(), lease_s=0.5).run(job)

    assert resumed is not None and resumed.status == "finished"
    async with db.connect() as conn:
        runs = await recent_runs(conn)
        left = text("SELECT count(*) FILTER (WHERE done_by IS NULL), count(*) FROM items")
        per_item = (await conn.execute(left)).one()
    assert [run["status"] for run in runs] == ["finished", "interrupted"]
    assert runs[0]["items"] + runs[1]["items"] <= 25 and tuple(per_item) == (0, 25)


async def test_a_batch_that_fails_is_tried_again_and_the_run_goes_on(db: AsyncEngine) -> None:
    job = keyed_job(db)
    failures = iter([RuntimeError("statement timeout")])

    async def flaky(context: RunContext) -> BatchResult:
        if (failure := next(failures, None)) is not None:
            raise failure
        return await job.batch(context)

    record = await JobRunner(db, Clock(), retry_delays_s=(0.01,)).run(Job("flaky", "0 3 * * *", flaky))

    assert record is not None and (record.status, record.batches, record.items) == ("finished", 3, 25)


async def test_between_batches_the_runner_rests_at_least_as_long_as_the_batch_took(db: AsyncEngine) -> None:
    rests: list[float] = []

    class Resting(JobRunner):
        async def _rest(self, seconds: float) -> None:
            rests.append(seconds)

    slow = keyed_job(db, pause=0.05)  # each batch takes longer than the job's pause
    await Resting(db, Clock()).run(Job("slow", "0 3 * * *", slow.batch, pause_s=0.01))
    quick = keyed_job(db, name="quick")
    async with db.begin() as conn:
        await conn.execute(text("UPDATE items SET done_by = NULL"))
    await Resting(db, Clock()).run(Job("quick", "0 3 * * *", quick.batch, pause_s=5))

    assert len(rests) == 4  # two rests a run of three batches: none after the last
    assert all(rest >= 0.05 for rest in rests[:2]) and rests[2:] == [5, 5]


async def test_a_failing_batch_fails_the_run_after_its_tries_and_frees_the_lease(db: AsyncEngine) -> None:
    tries = 0

    async def broken(context: RunContext) -> BatchResult:
        nonlocal tries
        tries += 1
        raise RuntimeError("the bank is on fire")

    record = await JobRunner(db, Clock(), retry_delays_s=(0.01, 0.01)).run(Job("broken", "0 3 * * *", broken))

    assert record is not None and record.status == "failed" and tries == 3
    async with db.connect() as conn:
        (run,) = await recent_runs(conn)
        assert await conn.scalar(text("SELECT lease_owner FROM scheduled_jobs")) is None
    assert run["error"] == "RuntimeError: the bank is on fire"
    assert await JobRunner(db, Clock()).run(keyed_job(db, name="broken")) is not None


def test_the_clock_moves_by_its_offset_in_the_suppliers_calendar() -> None:
    moved = Clock(offset_s=timedelta(days=40).total_seconds())
    assert (moved.today() - Clock().today()).days in (39, 40, 41)
    assert moved.now().tzinfo is not None and LOCAL_TIME.key == "Europe/Simferopol"


async def test_what_a_run_raises_shares_the_runs_correlation_and_each_batchs_trace(db: AsyncEngine) -> None:
    """A batch's letters are one trace and one run's letters one correlation (an
    operator follows a run through the logs), where outside any span each event would start its own."""
    raised: list[tuple[int, CloudEvent]] = []

    async def batch(context: RunContext) -> BatchResult:
        number = len({n for n, _ in raised})
        for user in range(3):
            raised.append(
                (
                    number,
                    new_event(SendLetter(template=TEMPLATE, user_id=uuid.uuid4(), params={"n": user}), "lka.test", "s"),
                )
            )
        return BatchResult(items=3, more=number < 1)

    record = await JobRunner(db, Clock()).run(Job("letters", "0 3 * * *", batch))

    assert record is not None and record.batches == 2
    assert len({event.correlationid for _, event in raised}) == 1
    traces = {n: {tracing.trace_id_of(event.traceparent) for m, event in raised if m == n} for n in (0, 1)}
    assert all(len(ids) == 1 and None not in ids for ids in traces.values())
    assert traces[0] != traces[1]
