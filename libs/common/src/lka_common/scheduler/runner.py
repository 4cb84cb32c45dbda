"""Running a job: one runner at a time across replicas, the run recorded, the work in batches.

**The lease.** A job's row in `scheduled_jobs` says who runs it until when. A runner takes it
with one UPDATE (free, lapsed, or already its own), renews it after every batch and gives it
back at the end; each is a statement in a transaction of its own, so nothing is held between
them and it works behind a transaction pooler (no session-level advisory lock). A runner that
dies keeps the lease only until it lapses (`lease_s`); the next one then marks that run
`interrupted` and starts a new one. A batch must end well within `lease_s`: a runner that finds
its lease gone after a batch (it was too slow, and another took over) stops there.

**Exactly once** is the job's own: every item it acts on is keyed in its tables, in the same
transaction as the command the item causes, and the batches pick only items not done yet. So a
resumed run (or two runners, should a lease ever be lost mid-batch) never acts twice on an item.

**Retries.** A batch that raises (a statement timeout while the disk is busy, a connection
dropped by a failover) is tried again after `retry_delays_s`, the same batch: its items are
keyed, so what it did before failing is not done twice. Only when the last try fails does the
run end `failed`; the next one starts at the job's next time or the worker's next start.

**Pace.** Between batches the runner rests `Job.pause_s`, or as long as the batch took if that
was longer: the subscribers' requests get the database in between, and more of it when it is slow.

**The record.** `job_runs`: started, the business date (the jobs' clock), batches, items and
failures as each batch ends, then `finished`, `failed` (the error) or `interrupted`.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import structlog
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lka_common import context as ids
from lka_common import tracing
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.tables import job_runs, scheduled_jobs

log = structlog.get_logger(__name__)

RunStatus = Literal["running", "finished", "failed", "interrupted"]


class LeaseLost(Exception):
    """The lease lapsed and another runner holds it: this run stops where it is."""


@dataclass(frozen=True)
class BatchResult:
    """What one batch did: items acted on, of which failed; `more`: call again in this run."""

    items: int = 0
    failures: int = 0
    more: bool = False


@dataclass
class RunContext:
    """What a batch knows of its run. `state` is the job's own cursor across the batches of this
    run, in memory: a resumed run starts over, which its keyed items make safe."""

    run_id: int
    job: str
    today: date
    clock: Clock
    state: dict[str, Any] = field(default_factory=dict)
    # What every event the run raises carries as its correlation id: the letters of one run belong together.
    correlation_id: str = field(default_factory=ids.new_id)


Batch = Callable[[RunContext], Awaitable[BatchResult]]


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str  # a crontab line, in the supplier's time (Europe/Simferopol)
    batch: Batch
    # The rest after each batch when more follow: `pause_s`, or as long as the batch took if that
    # was longer, so a job over a million rows works at most half the time, and a slow database
    # (a checkpoint writing, the subscribers busy) slows the job rather than the subscribers.
    # 0: batches back to back.
    pause_s: float = 0.0


@dataclass(frozen=True)
class RunRecord:
    run_id: int
    status: RunStatus
    batches: int
    items: int
    failures: int


def runner_name() -> str:
    """Who holds a lease: the host, the process and a random part (a restarted process is another runner)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


RETRY_DELAYS_S = (5.0, 30.0)  # before the second and the third try of a failing batch


class JobRunner:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        lease_s: float = 120.0,
        name: str | None = None,
        retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._lease_s = lease_s
        self._retry_delays_s = retry_delays_s
        self.name = name or runner_name()

    async def run(self, job: Job) -> RunRecord | None:
        """Run the job to its end if this runner gets the lease; None when another runner holds it."""
        run_id = await self._start(job.name)
        if run_id is None:
            log.info("job_lease_held_elsewhere", job=job.name)
            return None
        context = RunContext(run_id, job.name, self._clock.today(), self._clock)
        status: RunStatus = "finished"
        error: str | None = None
        log.info("job_run_started", job=job.name, run_id=run_id, business_date=context.today.isoformat())
        try:
            while True:
                started = time.monotonic()
                result = await self._batch(job, context)
                if not await self._checkpoint(job.name, run_id, result):
                    log.warning("job_lease_lost", job=job.name, run_id=run_id)
                    status = "interrupted"
                    break
                if not result.more:
                    break
                if job.pause_s:
                    await self._rest(max(job.pause_s, time.monotonic() - started))
        except LeaseLost:
            log.warning("job_lease_lost", job=job.name, run_id=run_id)
            status = "interrupted"
        except asyncio.CancelledError:
            status = "interrupted"
            raise
        except Exception as exc:
            log.exception("job_run_failed", job=job.name, run_id=run_id)
            status, error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
        finally:
            # Shielded: a worker stopping mid-run still records how far the run got.
            await asyncio.shield(self._end(job.name, run_id, status, error))
        return await self._record(run_id)

    async def _rest(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def _batch(self, job: Job, context: RunContext) -> BatchResult:
        """The job's next batch, tried again after each of `retry_delays_s` if it raises."""
        for delay in self._retry_delays_s:
            try:
                return await self._traced(job, context)
            except Exception as exc:  # noqa: BLE001 - any failure of a keyed batch is safe to retry
                log.warning("job_batch_retry", job=job.name, run_id=context.run_id, error=repr(exc), in_s=delay)
            await asyncio.sleep(delay)
            if not await self._renew(job.name):  # another runner took over while this one waited
                raise LeaseLost()
        return await self._traced(job, context)

    @staticmethod
    async def _traced(job: Job, context: RunContext) -> BatchResult:
        """One try of a batch in a span of its own, its log lines and events carrying the run's correlation."""
        with ids.bound(correlation_id=context.correlation_id), tracing.job_batch(job.name, context.run_id):
            return await job.batch(context)

    async def _start(self, job: str) -> int | None:
        """Take the job's lease and open its run, in one transaction; None if the lease is another's."""
        async with self._engine.begin() as conn:
            await conn.execute(
                pg_insert(scheduled_jobs).values(name=job, created_at=func.now()).on_conflict_do_nothing()
            )
            taken = await conn.execute(
                text(
                    "UPDATE scheduled_jobs SET lease_owner = :me, lease_until = now() + make_interval(secs => :s)"
                    " WHERE name = :job AND (lease_until IS NULL OR lease_until < now() OR lease_owner = :me)"
                    " RETURNING name"
                ),
                {"me": self.name, "s": self._lease_s, "job": job},
            )
            if taken.first() is None:
                return None
            # A run still `running` lost its runner (the lease lapsed): it ends here as interrupted.
            await conn.execute(
                update(job_runs)
                .where(job_runs.c.job == job, job_runs.c.status == "running")
                .values(status="interrupted", finished_at=func.now())
            )
            opened = await conn.execute(
                insert(job_runs)
                .values(
                    job=job,
                    runner=self.name,
                    business_date=self._clock.today(),
                    status="running",
                    started_at=func.now(),
                    heartbeat_at=func.now(),
                    batches=0,
                    items=0,
                    failures=0,
                )
                .returning(job_runs.c.id)
            )
            return int(opened.scalar_one())

    async def _renew(self, job: str) -> bool:
        async with self._engine.begin() as conn:
            return await self._renewed(conn, job)

    async def _renewed(self, conn: AsyncConnection, job: str) -> bool:
        renewed = await conn.execute(
            text(
                "UPDATE scheduled_jobs SET lease_until = now() + make_interval(secs => :s)"
                " WHERE name = :job AND lease_owner = :me RETURNING name"
            ),
            {"me": self.name, "s": self._lease_s, "job": job},
        )
        return renewed.first() is not None

    async def _checkpoint(self, job: str, run_id: int, result: BatchResult) -> bool:
        """After a batch, in one short transaction: the run's progress recorded and the lease
        renewed; False when the lease is another runner's now."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(job_runs)
                .where(job_runs.c.id == run_id)
                .values(
                    batches=job_runs.c.batches + 1,
                    items=job_runs.c["items"] + result.items,
                    failures=job_runs.c.failures + result.failures,
                    heartbeat_at=func.now(),
                )
            )
            return await self._renewed(conn, job)

    async def _end(self, job: str, run_id: int, status: RunStatus, error: str | None) -> None:
        try:
            async with self._engine.begin() as conn:
                await conn.execute(
                    update(job_runs)
                    .where(job_runs.c.id == run_id, job_runs.c.status == "running")
                    .values(status=status, error=error, finished_at=func.now(), heartbeat_at=func.now())
                )
                await self._release(conn, job)
        except Exception:
            # The lease lapses by itself; the next runner marks this run interrupted.
            log.exception("job_run_end_not_recorded", job=job, run_id=run_id)
        log.info("job_run_ended", job=job, run_id=run_id, status=status)

    async def _release(self, conn: AsyncConnection, job: str) -> None:
        await conn.execute(
            update(scheduled_jobs)
            .where(scheduled_jobs.c.name == job, scheduled_jobs.c.lease_owner == self.name)
            .values(lease_owner=None, lease_until=None)
        )

    async def _record(self, run_id: int) -> RunRecord:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(job_runs.c.status, job_runs.c.batches, job_runs.c["items"], job_runs.c.failures).where(
                        job_runs.c.id == run_id
                    )
                )
            ).one()
        return RunRecord(run_id, row.status, row.batches, row.items, row.failures)


async def recent_runs(conn: AsyncConnection, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The runs newest first, as `GET /operator/jobs` lists them."""
    columns = [job_runs.c[name] for name in ("id", "job", "business_date", "status", "started_at", "finished_at")]
    columns += [job_runs.c.batches, job_runs.c["items"], job_runs.c.failures, job_runs.c.error]
    query = select(*columns).order_by(job_runs.c.started_at.desc(), job_runs.c.id.desc()).limit(limit).offset(offset)
    return [dict(row) for row in (await conn.execute(query)).mappings()]
