"""The readings consumer process: `python -m lka_readings.entrypoints.consumer`.

Besides its subscriptions it runs the scheduled reminders (service_layer/reading_window.py,
timed and leased by lka_common.scheduler), so the stack needs no extra process; the lease lets
replicas share the work. The jobs' short transactions take their turn in the consumer's own pool,
beside the handlers, so the process needs no more connections than before (docs/operations.md,
"Connection budget").
"""

from __future__ import annotations

import asyncio

from lka_common.db import make_sessionmaker
from lka_common.entrypoints import consumer_runner
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.runner import JobRunner
from lka_common.scheduler.timing import run_schedule
from lka_common.uow import UnitOfWork
from lka_common.worker import run_worker
from lka_readings.bootstrap import jobs, subscriptions
from lka_readings.settings import ReadingsSettings


def main() -> None:
    settings = ReadingsSettings()
    runner, engines = consumer_runner(settings, lambda: subscriptions(settings))
    job_engine = engines[0]  # the handlers' pool (lka_common.entrypoints.consumer_runner)
    sessions = make_sessionmaker(job_engine)

    async def work(stop: asyncio.Event) -> None:
        uow_factory = lambda: UnitOfWork(sessions, settings.source)  # noqa: E731
        scheduled = None
        if settings.scheduler_enabled:
            job_runner = JobRunner(job_engine, Clock(settings.clock_offset_s), settings.scheduler_lease_s)
            scheduled = asyncio.create_task(run_schedule(stop, job_runner, jobs(settings, uow_factory)))
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


if __name__ == "__main__":
    main()
