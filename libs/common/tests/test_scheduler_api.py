"""`GET /operator/jobs` of a service (lka_common.scheduler.api): the runs the scheduler recorded,
newest first and paged, each job's lease while a runner holds it, for supervisors only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from lka_common.migrations import SCHEDULER_TABLES_V1
from lka_common.scheduler.api import jobs_router
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.runner import BatchResult, Job, JobRunner, RunContext
from lka_common.settings import ServiceSettings
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.http import serve_in_background
from lka_common.testing.jobs import as_role, check_jobs_route
from lka_common.testing.servers import Servers
from lka_common.testing.tokens import TokenFactory
from lka_common.web import create_app

TOKENS = TokenFactory()


class ProbeSettings(ServiceSettings):
    service_name = "probe"


@pytest.fixture(scope="module")
def jobs_database(servers: Servers, run_id: str) -> Iterator[str]:
    name = f"lka_test_{run_id}_scheduler_api"
    yield create_database(servers.postgres_url, name, list(SCHEDULER_TABLES_V1))
    drop_database(servers.postgres_url, name)


@pytest.fixture(scope="module")
async def api(jobs_database: str, amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ProbeSettings(
        database_url=jobs_database,
        db_pool_size=2,
        jwks_json=TOKENS.jwks_json(),
        jwks_url="http://127.0.0.1:9/none",
        amqp_url=amqp_url,
    )
    app = create_app(settings, title="probe", routers=[jobs_router()], revocation_feed=False)
    async with serve_in_background(app) as url, httpx.AsyncClient(base_url=url + "/api/v1") as client:
        yield client


@pytest.fixture
async def db(jobs_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(jobs_database, pool_size=2)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE job_runs, scheduled_jobs"))
    yield engine
    await engine.dispose()


def counting(items: int, failures: int = 0) -> Job:
    async def batch(_: RunContext) -> BatchResult:
        return BatchResult(items=items, failures=failures)

    return Job(f"count_{items}", "0 3 * * *", batch)


async def test_a_run_is_listed_and_refused_to_operators_and_subscribers(
    api: httpx.AsyncClient, db: AsyncEngine, jobs_database: str
) -> None:
    """The check every scheduling service makes of its own route (lka_common.testing.jobs)."""
    await check_jobs_route(api, jobs_database, TOKENS)


async def test_runs_are_newest_first_and_paged_with_a_failure_and_its_error(
    api: httpx.AsyncClient, db: AsyncEngine
) -> None:
    async def broken(_: RunContext) -> BatchResult:
        raise RuntimeError("Банк не ответил")

    for job in (counting(1), counting(2), Job("broken", "0 3 * * *", broken), counting(3, failures=1)):
        await JobRunner(db, Clock()).run(job)
    supervisor = as_role(TOKENS, "supervisor")

    everything = (await api.get("/operator/jobs", headers=supervisor)).json()
    second_page = (await api.get("/operator/jobs?limit=2&offset=2", headers=supervisor)).json()

    runs = everything["runs"]
    assert [(r["job"], r["status"], r["items"], r["failures"]) for r in runs] == [
        ("count_3", "finished", 3, 1),
        ("broken", "failed", 0, 0),
        ("count_2", "finished", 2, 0),
        ("count_1", "finished", 1, 0),
    ]
    assert runs[1]["error"] == "RuntimeError: Банк не ответил"
    assert runs[1]["business_date"] == Clock().today().isoformat()
    assert [r["job"] for r in second_page["runs"]] == ["count_2", "count_1"]
    assert [j["job"] for j in everything["jobs"]] == ["broken", "count_1", "count_2", "count_3"]


async def test_a_running_jobs_lease_says_who_runs_it_until_when(api: httpx.AsyncClient, db: AsyncEngine) -> None:
    inside, release = asyncio.Event(), asyncio.Event()

    async def waiting(_: RunContext) -> BatchResult:
        inside.set()
        await release.wait()
        return BatchResult(items=1)

    runner = JobRunner(db, Clock(), lease_s=60)
    running = asyncio.create_task(runner.run(Job("slow", "0 3 * * *", waiting)))
    await asyncio.wait_for(inside.wait(), 10)
    try:
        during = (await api.get("/operator/jobs", headers=as_role(TOKENS, "supervisor"))).json()
    finally:
        release.set()
        await running
    after = (await api.get("/operator/jobs", headers=as_role(TOKENS, "supervisor"))).json()

    (lease,) = during["jobs"]
    assert (lease["job"], lease["runner"]) == ("slow", runner.name)
    assert lease["lease_until"] is not None
    assert [(r["job"], r["status"], r["finished_at"]) for r in during["runs"]] == [("slow", "running", None)]
    assert after["jobs"] == [{"job": "slow", "runner": None, "lease_until": None}]
    assert after["runs"][0]["status"] == "finished"


async def test_a_lapsed_lease_is_nobodys(api: httpx.AsyncClient, db: AsyncEngine) -> None:
    """A runner that died keeps its row until the next one takes over; it runs nothing now."""
    async with db.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO scheduled_jobs (name, lease_owner, lease_until, created_at)"
                " VALUES ('dead', 'gone:1:abc', now() - interval '1 minute', now())"
            )
        )
    answer = (await api.get("/operator/jobs", headers=as_role(TOKENS, "supervisor"))).json()
    assert answer["jobs"] == [{"job": "dead", "runner": None, "lease_until": None}]
