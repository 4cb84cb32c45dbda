"""A service's consumer process that also runs its scheduled jobs (docs/operations.md,
"Scheduled work"): the subscriptions as `lka_common.entrypoints.run_consumer` runs them, and
beside them the jobs, timed by `timing.run_schedule` and leased by `runner.JobRunner`.

The jobs' short transactions take their turn in the consumer's own pool, beside the handlers,
so the process needs no more connections than a plain consumer (docs/operations.md,
"Connection budget"). A service whose process does more than that (payments: it polls the bank
for pending payments) gives the jobs and that work a small pool of their own (`own_pool`), the
long-running task itself (`beside`) and what they share to close at the end (`close`).

On stop the consumer ends first, then `beside` returns and the runs in flight are cancelled
(each records itself `interrupted`; its items are keyed, so the next run resumes them); then
`close`, then the pools.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from lka_common.db import make_engine, make_sessionmaker
from lka_common.entrypoints import Beside, UowFactory, consumer_runner
from lka_common.messaging.consumer import Subscription
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.runner import Job, JobRunner
from lka_common.scheduler.timing import run_schedule
from lka_common.settings import ServiceSettings
from lka_common.uow import UnitOfWork
from lka_common.worker import run_worker

Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def consumer_with_jobs(
    settings: ServiceSettings,
    subscriptions: Callable[[], list[Subscription]],
    jobs: Callable[[UowFactory], list[Job]],
    *,
    scheduler_enabled: bool,
    clock: Clock,
    lease_s: float,
    own_pool: tuple[int, int] | None = None,
    beside: Beside | None = None,
    close: Callable[[], Awaitable[None]] | None = None,
) -> tuple[Work, Callable[[], bool]]:
    """The process's work (until its stop event is set) and its readiness, for `run_worker`.

    `jobs(uow_factory)`: what to schedule, given units of work on the jobs' pool: the consumer's
    own, or with `own_pool` (size, overflow) one of their own, shared with `beside`.
    `scheduler_enabled` false: this replica schedules nothing (others still do); `beside` runs
    all the same. `close`: awaited once the consumer, the jobs and `beside` have ended."""
    runner, engines, _ = consumer_runner(settings, subscriptions)
    if own_pool is None:
        job_engine = engines[0]  # the handlers' pool (lka_common.entrypoints.consumer_runner)
    else:
        size, overflow = own_pool
        job_engine = make_engine(settings, pool_size=size, max_overflow=overflow)
        engines = [*engines, job_engine]
    sessions = make_sessionmaker(job_engine)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(sessions, settings.source)

    async def work(stop: asyncio.Event) -> None:
        tasks: list[asyncio.Task[None]] = []
        if beside is not None:
            tasks.append(asyncio.create_task(beside(stop, uow_factory)))
        if scheduler_enabled:
            job_runner = JobRunner(job_engine, clock, lease_s)
            tasks.append(asyncio.create_task(run_schedule(stop, job_runner, jobs(uow_factory))))
        try:
            await runner.run(stop)
        finally:
            stop.set()
            for task in tasks:
                await task
            if close is not None:
                await close()
            for engine in engines:
                await engine.dispose()

    return work, runner.ready


def run_consumer_with_jobs(
    settings: ServiceSettings,
    subscriptions: Callable[[], list[Subscription]],
    jobs: Callable[[UowFactory], list[Job]],
    *,
    scheduler_enabled: bool,
    clock: Clock,
    lease_s: float,
    own_pool: tuple[int, int] | None = None,
    beside: Beside | None = None,
    close: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Run the consumer process of `consumer_with_jobs` (its arguments) until a signal stops it."""
    work, ready = consumer_with_jobs(
        settings,
        subscriptions,
        jobs,
        scheduler_enabled=scheduler_enabled,
        clock=clock,
        lease_s=lease_s,
        own_pool=own_pool,
        beside=beside,
        close=close,
    )
    run_worker(
        f"{settings.service_name}-consumer",
        settings.log_level,
        work,
        ready,
        settings.http_host,
        settings.consumer_health_port,
    )
