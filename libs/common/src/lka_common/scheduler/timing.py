"""When each job runs: APScheduler's cron triggers in the supplier's time, inside a worker that
already runs (payments' consumer), plus once at start so a run interrupted by a crash or a
deployment resumes at once. APScheduler only decides when; who runs and what was done is the
runner's, in the database (runner.py), so every replica may schedule every job."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import datetime

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from lka_common.scheduler.clock import LOCAL_TIME
from lka_common.scheduler.runner import Job, JobRunner

log = structlog.get_logger(__name__)


async def run_schedule(stop: asyncio.Event, runner: JobRunner, jobs: Sequence[Job]) -> None:
    """Trigger each job by its schedule until `stop`; then cancel the runs in flight (each
    records itself `interrupted`: its items are keyed, so the next run resumes them)."""
    running: set[asyncio.Task[None]] = set()

    async def fire(job: Job) -> None:
        task = asyncio.current_task()
        assert task is not None
        running.add(task)
        try:
            await runner.run(job)
        except Exception:
            log.exception("job_run_crashed", job=job.name)
        finally:
            running.discard(task)

    scheduler = AsyncIOScheduler(timezone=LOCAL_TIME)
    for job in jobs:
        scheduler.add_job(
            fire,
            CronTrigger.from_crontab(job.schedule, timezone=LOCAL_TIME),
            args=[job],
            id=job.name,
            coalesce=True,  # runs missed while busy or down are one run, not a burst
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=datetime.now(LOCAL_TIME),  # and once at start
        )
    scheduler.start()
    log.info("scheduler_started", jobs=[job.name for job in jobs], runner=runner.name)
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        for task in list(running):
            task.cancel()
        for task in list(running):
            with contextlib.suppress(asyncio.CancelledError):
                await task
