"""A service's consumer process that also runs its scheduled jobs (docs/operations.md,
"Scheduled work"): the subscriptions as `lka_common.entrypoints.run_consumer` runs them, and
beside them the jobs, timed by `timing.run_schedule` and leased by `runner.JobRunner`.

The jobs' short transactions take their turn in the consumer's own pool, beside the handlers,
so the process needs no more connections than a plain consumer (docs/operations.md,
"Connection budget"). On stop the consumer ends first, then the runs in flight are cancelled
(each records itself `interrupted`; its items are keyed, so the next run resumes them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lka_common.db import make_sessionmaker
from lka_common.entrypoints import consumer_runner
from lka_common.messaging.consumer import Subscription
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.runner import Job, JobRunner
from lka_common.scheduler.timing import run_schedule
from lka_common.settings import ServiceSettings
from lka_common.uow import UnitOfWork
from lka_common.worker import run_worker


def run_consumer_with_jobs(
    settings: ServiceSettings,
    subscriptions: Callable[[], list[Subscription]],
    jobs: Callable[[Callable[[], UnitOfWork]], list[Job]],
    *,
    scheduler_enabled: bool,
    clock: Clock,
    lease_s: float,
) -> None:
    """`jobs(uow_factory)`: what to schedule, given units of work on the consumer's pool.
    `scheduler_enabled` false: this replica schedules nothing (others still do)."""
    runner, engines = consumer_runner(settings, subscriptions)
    job_engine = engines[0]  # the handlers' pool (lka_common.entrypoints.consumer_runner)
    sessions = make_sessionmaker(job_engine)

    async def work(stop: asyncio.Event) -> None:
        scheduled = None
        if scheduler_enabled:
            job_runner = JobRunner(job_engine, clock, lease_s)
            scheduled_jobs = jobs(lambda: UnitOfWork(sessions, settings.source))
            scheduled = asyncio.create_task(run_schedule(stop, job_runner, scheduled_jobs))
        try:
            await runner.run(stop)
        finally:
            stop.set()
            if scheduled is not None:
                await scheduled
            for engine in engines:
                await engine.dispose()

    run_worker(
        f"{settings.service_name}-consumer",
        settings.log_level,
        work,
        runner.ready,
        settings.http_host,
        settings.consumer_health_port,
    )
