"""The payments consumer process: `python -m lka_payments.entrypoints.consumer`.

Besides its subscriptions it runs the reconciliation poller (service_layer/poller.py) and the
scheduled work (autopay: service_layer/autopay_run.py, timed and leased by lka_common.scheduler),
so the stack needs no extra process; the poller's `SKIP LOCKED` claim and the scheduler's lease
let replicas share the work. Both draw on one small pool of their own (1 + 1 connections).
"""

from __future__ import annotations

import asyncio

from lka_common.db import make_engine, make_sessionmaker
from lka_common.entrypoints import consumer_runner
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.runner import JobRunner
from lka_common.scheduler.timing import run_schedule
from lka_common.uow import UnitOfWork
from lka_common.worker import run_worker
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.bootstrap import jobs, subscriptions
from lka_payments.service_layer.poller import run_poller
from lka_payments.settings import PaymentsSettings


def main() -> None:
    settings = PaymentsSettings()
    runner, engines = consumer_runner(settings, lambda: subscriptions(settings))
    poll_engine = make_engine(settings, pool_size=1, max_overflow=1)
    sessions = make_sessionmaker(poll_engine)

    async def work(stop: asyncio.Event) -> None:
        acquirer = RbsAcquirer(settings)
        uow_factory = lambda: UnitOfWork(sessions, settings.source)  # noqa: E731
        poller = asyncio.create_task(run_poller(stop, uow_factory, acquirer, settings))
        scheduled = None
        if settings.scheduler_enabled:
            job_runner = JobRunner(poll_engine, Clock(settings.clock_offset_s), settings.scheduler_lease_s)
            scheduled = asyncio.create_task(run_schedule(stop, job_runner, jobs(settings, uow_factory, acquirer)))
        try:
            await runner.run(stop)
        finally:
            stop.set()
            await poller
            if scheduled is not None:
                await scheduled
            await acquirer.close()
            for engine in [*engines, poll_engine]:
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
