"""`GET /api/v1/operator/jobs`: the scheduler's runs in every service that schedules work, merged
newest first, with each job's lease now (docs/contract.md §4 "Reminders").

Payments, readings and accounts each list their own (lka_common.scheduler.api); the gateway
asks the three at once, with the headers it gives any call it passes on (the token included:
each service checks it again), and merges. A service that does not answer in `jobs_timeout_s`,
cannot be reached, answers 5xx or anything but its list is named in `unavailable`, and the
others' runs are shown all the same: one service down never makes the page a 500. A service's
refusal (401: a session it knows ended; 403) is the caller's answer as that service gave it.

Paging over a merge: the page at `offset` needs each service's newest `offset + limit` runs,
asked for in pages of 200 (the services' ceiling, docs/contract.md §2), so `offset` goes to
1,000 here (at most six calls a service), not to the services' own limit. A deeper look is
`SELECT … FROM job_runs` in the service's database (docs/operations.md, "Scheduled work").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Literal, get_args

import aiohttp
import structlog
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from yarl import URL

from lka_common import context
from lka_common.auth import SUPERVISOR_ROLE, DeclaredBearer, supervisors_only
from lka_common.paging import get_page
from lka_common.scheduler.api import JOBS_PATH, PROBLEMS, JobLeaseOut, JobRunOut, JobsOut
from lka_common.schemas import Page, ResponseModel
from lka_gateway import headers
from lka_gateway.failures import upstream_problem
from lka_gateway.proxy import UpstreamProxy
from lka_gateway.routes import API_PREFIX
from lka_gateway.settings import GatewaySettings

log = structlog.get_logger(__name__)

# The services that schedule work (lka_common.scheduler), in the order `unavailable` names them.
Scheduling = Literal["payments", "readings", "accounts"]
SCHEDULING: tuple[Scheduling, ...] = get_args(Scheduling)
SERVICE_PAGE = 200
DEEPEST_OFFSET = 1000


class ServiceJobRunOut(JobRunOut):
    service: Scheduling


class ServiceJobLeaseOut(JobLeaseOut):
    service: Scheduling


class JobsOverviewOut(ResponseModel):
    """`runs`: the page of every service's runs, newest first; `jobs`: every job and its lease
    now, by service and name; `unavailable`: the services that did not answer (their runs and
    jobs are missing from this answer)."""

    runs: list[ServiceJobRunOut]
    jobs: list[ServiceJobLeaseOut]
    unavailable: list[Scheduling]


class Refusal(Exception):
    """A service refused the caller: the caller gets its answer as it was."""

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        super().__init__(status)
        self.response = Response(body, status_code=status, media_type=content_type)


class Unanswered(Exception):
    pass


@dataclass
class Collected:
    runs: list[ServiceJobRunOut] = field(default_factory=list)
    jobs: list[ServiceJobLeaseOut] = field(default_factory=list)
    unavailable: list[Scheduling] = field(default_factory=list)


class JobsSources:
    """The services asked, through the proxy's session (its pool of connections to each)."""

    def __init__(self, proxy: UpstreamProxy, settings: GatewaySettings) -> None:
        upstreams = settings.upstreams()
        self._proxy = proxy
        self._urls = {name: upstreams[name] + API_PREFIX + JOBS_PATH for name in SCHEDULING}
        self._timeout_s = settings.jobs_timeout_s

    async def collect(self, sent: list[tuple[str, str]], need: int) -> Collected:
        """Each service's newest `need` runs and its jobs; raises the first refusal."""
        answers = await asyncio.gather(*(self._ask(name, sent, need) for name in self._urls))
        collected = Collected()
        for name, answer in zip(self._urls, answers, strict=True):
            if isinstance(answer, Refusal):
                raise answer
            if answer is None:
                collected.unavailable.append(name)
                continue
            collected.runs += [ServiceJobRunOut(service=name, **run.model_dump()) for run in answer.runs]
            collected.jobs += [ServiceJobLeaseOut(service=name, **job.model_dump()) for job in answer.jobs]
        return collected

    async def _ask(self, service: Scheduling, sent: list[tuple[str, str]], need: int) -> JobsOut | Refusal | None:
        try:
            async with asyncio.timeout(self._timeout_s):
                return await self._pages(service, sent, need)
        except Refusal as refusal:
            return refusal
        except (aiohttp.ClientError, TimeoutError) as exc:
            upstream_problem(exc, service)  # counted and logged as the proxy's failures are
        except Exception as exc:  # noqa: BLE001 - an answer that is not the list is no answer
            log.warning("jobs_not_listed", service=service, error=repr(exc))
        return None

    async def _pages(self, service: Scheduling, sent: list[tuple[str, str]], need: int) -> JobsOut:
        listed = JobsOut(runs=[], jobs=[])
        while True:
            offset = len(listed.runs)
            limit = min(SERVICE_PAGE, need - offset)
            url = URL(self._urls[service]).with_query(limit=limit, offset=offset)
            async with self._proxy.session.get(url, headers=sent, allow_redirects=False) as response:
                body = await response.read()
                if response.status in (401, 403):
                    raise Refusal(response.status, body, response.content_type)
                if response.status != 200:
                    raise Unanswered(f"{service} answered {response.status}")
                page = JobsOut.model_validate_json(body)
            listed.runs += page.runs
            listed.jobs = page.jobs
            if len(page.runs) < limit or len(listed.runs) >= need:
                return listed


async def supervisor_at_edge(request: Request, _: DeclaredBearer) -> None:
    """Supervisors only, as each service says too; the token was verified at the edge
    (authentication.py), which left the caller's role in the headers for the services."""
    verified = dict(request.scope.get(headers.IDENTITY_SCOPE_KEY, ()))
    if verified.get("x-user-role") != SUPERVISOR_ROLE:
        raise supervisors_only()


async def merged_page(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=SERVICE_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=DEEPEST_OFFSET)] = 0,
) -> Page:
    return await get_page(request, limit, offset)


def upstream_headers(request: Request) -> list[tuple[str, str]]:
    """What a proxied call would send, for a GET of JSON read here (so never compressed)."""
    request_id = context.current_ids().get("request_id") or ""
    sent = headers.to_upstream(request.scope, request_id)
    dropped = {"accept", "accept-encoding", "content-length", "content-type"}
    return [(name, value) for name, value in sent if name.lower() not in dropped] + [("accept", "application/json")]


router = APIRouter(tags=["operator"])


@router.get(
    API_PREFIX + JOBS_PATH,
    response_model=JobsOverviewOut,
    responses=PROBLEMS,
    dependencies=[Depends(supervisor_at_edge)],
)
async def merged_jobs(request: Request, page: Annotated[Page, Depends(merged_page)]) -> JobsOverviewOut | Response:
    """The scheduler's runs of payments, readings and accounts, newest first, each with its
    `service`; every job's lease now; the services that did not answer in `unavailable`."""
    sources: JobsSources = request.app.state.jobs_sources
    try:
        collected = await sources.collect(upstream_headers(request), page.offset + page.limit)
    except Refusal as refusal:
        return refusal.response
    newest_first = sorted(collected.runs, key=lambda run: (run.started_at, run.service, run.id), reverse=True)
    return JobsOverviewOut(
        runs=newest_first[page.offset : page.offset + page.limit],
        jobs=sorted(collected.jobs, key=lambda job: (job.service, job.job)),
        unavailable=collected.unavailable,
    )
