"""The check each service that schedules work makes of its `GET /operator/jobs`
(lka_common.scheduler.api): a run its scheduler records is listed for a supervisor, and the
route is refused to operators and subscribers. One check, so the three services' tests cannot
drift apart; the route itself is tested in full in libs/common/tests/test_scheduler_api.py."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from lka_common.scheduler.clock import Clock
from lka_common.scheduler.runner import BatchResult, Job, JobRunner, RunContext, RunRecord
from lka_common.testing.tokens import TokenFactory


def as_role(tokens: TokenFactory, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue(role=role, email=f'{role}@crimea-energy.ru')}"}


async def record_run(database_url: str, job: str, items: int = 3) -> RunRecord:
    """A run of `job` by the shared runner in the service's database, acting on `items` items."""

    async def batch(_: RunContext) -> BatchResult:
        return BatchResult(items=items, failures=1)

    engine = create_async_engine(database_url, pool_size=1, max_overflow=0)
    try:
        record = await JobRunner(engine, Clock()).run(Job(job, "0 3 * * *", batch))
    finally:
        await engine.dispose()
    assert record is not None, f"{job}: the lease was another runner's"
    return record


async def check_jobs_route(api: httpx.AsyncClient, database_url: str, tokens: TokenFactory) -> dict[str, Any]:
    """`api` is the service's client under `/api/v1`; returns the supervisor's answer."""
    job = f"test.listing_{uuid.uuid4().hex[:8]}"
    record = await record_run(database_url, job)

    answer = await api.get("/operator/jobs", headers=as_role(tokens, "supervisor"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    (listed,) = [run for run in body["runs"] if run["job"] == job]
    assert listed["id"] == record.run_id
    assert (listed["status"], listed["batches"], listed["items"], listed["failures"]) == ("finished", 1, 3, 1)
    assert listed["finished_at"] is not None and listed["error"] is None
    assert {"job": job, "runner": None, "lease_until": None} in body["jobs"]  # given back

    for role in ("operator", "subscriber"):
        refused = await api.get("/operator/jobs", headers=as_role(tokens, role))
        assert refused.status_code == 403, (role, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "forbidden"
    assert (await api.get("/operator/jobs")).status_code == 401
    return body
