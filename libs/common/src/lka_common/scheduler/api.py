"""`GET /operator/jobs` of a service that schedules work (docs/contract.md §4 "Reminders"): its
own runs from `job_runs`, newest first, and who holds each job's lease now (`scheduled_jobs`).

Supervisors only (operators and subscribers 403). Built once here and included by each service
that runs jobs (payments, readings, accounts); the gateway asks them all and merges their answers
(lka_gateway.jobs), so these models are the gateway's too.

Nothing is audited: a run names a job, a day and counts, no subscriber's personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from lka_common.auth import Supervisor
from lka_common.paging import PageDep
from lka_common.problem_docs import problem_responses
from lka_common.scheduler.runner import recent_runs
from lka_common.scheduler.tables import scheduled_jobs
from lka_common.schemas import ResponseModel
from lka_common.web import UowDep

JOBS_PATH = "/operator/jobs"

PROBLEMS = problem_responses(
    {
        401: "unauthorized: no valid access token",
        403: "forbidden: supervisors only (an operator or a subscriber)",
        422: "validation_error: `limit` or `offset` out of range, or given twice",
    }
)


class JobRunOut(ResponseModel):
    """One run of a job: the day it worked for (the jobs' clock, Europe/Simferopol), how it ended
    (`running` while it runs; `interrupted` when its runner stopped or died), its progress."""

    id: int
    job: str
    business_date: date
    status: Literal["running", "finished", "failed", "interrupted"]
    started_at: datetime
    finished_at: datetime | None
    batches: int
    items: int
    failures: int
    error: str | None


class JobLeaseOut(ResponseModel):
    """A job the service schedules and who runs it now: `runner` and `lease_until` are null
    when nobody holds a live lease (the job is not running anywhere)."""

    job: str
    runner: str | None
    lease_until: datetime | None


class JobsOut(ResponseModel):
    runs: list[JobRunOut]
    jobs: list[JobLeaseOut]


async def current_leases(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every job with its lease, the lapsed ones shown as free: a lapsed lease is nobody's
    (the next runner takes it over, runner.py)."""
    live = scheduled_jobs.c.lease_until > func.now()
    query = select(
        scheduled_jobs.c.name.label("job"),
        case((live, scheduled_jobs.c.lease_owner)).label("runner"),
        case((live, scheduled_jobs.c.lease_until)).label("lease_until"),
    ).order_by(scheduled_jobs.c.name)
    return [dict(row) for row in (await conn.execute(query)).mappings()]


def jobs_router() -> APIRouter:
    """The route, for a service's `create_app(routers=[…])` (mounted under `/api/v1`)."""
    router = APIRouter(prefix="/operator", tags=["operator"])

    @router.get("/jobs", response_model=JobsOut, responses=PROBLEMS)
    async def list_jobs(supervisor: Supervisor, uow: UowDep, page: PageDep) -> JobsOut:
        """The scheduler's runs in this service, newest first, and each job's lease now."""
        async with uow:
            conn = await uow.session.connection()
            runs = await recent_runs(conn, page.limit, page.offset)
            leases = await current_leases(conn)
        return JobsOut(
            runs=[JobRunOut.model_validate(run) for run in runs],
            jobs=[JobLeaseOut.model_validate(lease) for lease in leases],
        )

    return router
