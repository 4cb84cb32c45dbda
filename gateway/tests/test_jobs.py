"""`GET /api/v1/operator/jobs`, which the gateway answers itself: the scheduler's runs of payments,
readings and accounts merged newest first, the services that did not answer named, never a 500."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from lka_common.testing.tokens import TokenFactory

JOBS = "/api/v1/operator/jobs"
PROBLEM = "application/problem+json"
NOON = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)

Answer = Callable[[web.Request], Any]


def run(run_id: int, job: str, minutes_after_noon: int, **fields: Any) -> dict[str, Any]:
    started = NOON + timedelta(minutes=minutes_after_noon)
    return {
        "id": run_id,
        "job": job,
        "business_date": "2026-12-15",
        "status": "finished",
        "started_at": started.isoformat(),
        "finished_at": (started + timedelta(seconds=3)).isoformat(),
        "batches": 1,
        "items": 4,
        "failures": 0,
        "error": None,
        **fields,
    }


def paged(runs: list[dict[str, Any]], jobs: list[dict[str, Any]]) -> Answer:
    """A service's own answer: its runs (newest first) paged as `?limit=&offset=` ask."""

    def answer(request: web.Request) -> web.Response:
        limit, offset = int(request.query["limit"]), int(request.query["offset"])
        return web.json_response({"runs": runs[offset : offset + limit], "jobs": jobs})

    return answer


class Scheduling:
    """Stand-ins for the three services that schedule work; each records what it was asked."""

    def __init__(self) -> None:
        self.asked: dict[str, list[web.Request]] = {"payments": [], "readings": [], "accounts": []}
        self.answers: dict[str, Answer] = {}

    def app(self, name: str) -> web.Application:
        async def jobs(request: web.Request) -> web.StreamResponse:
            self.asked[name].append(request)
            answered = self.answers[name](request)
            return await answered if asyncio.iscoroutine(answered) else answered

        app = web.Application()
        app.router.add_get(JOBS, jobs)
        return app


@pytest.fixture
async def scheduling(
    serve: Callable[[web.Application], AbstractAsyncContextManager[str]],
    gateway_with: Callable[..., AbstractAsyncContextManager[str]],
) -> AsyncIterator[tuple[Scheduling, Callable[..., AbstractAsyncContextManager[str]]]]:
    """The stand-ins, and a gateway in front of them (keywords: more settings, or a service's
    address replaced, e.g. by one that refuses connections)."""
    services = Scheduling()
    async with contextlib.AsyncExitStack() as stack:
        urls = {f"{name}_url": await stack.enter_async_context(serve(services.app(name))) for name in services.asked}

        def gateway(**overrides: Any) -> AbstractAsyncContextManager[str]:
            return gateway_with(**{**urls, **overrides})

        yield services, gateway


def as_role(tokens: TokenFactory, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue(role=role, email=f'{role}@crimea-energy.ru')}"}


async def test_a_supervisor_sees_every_services_runs_newest_first_with_the_leases(
    scheduling: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    services, gateway = scheduling
    lease = {"job": "payments.autopay", "runner": "host:42:ab12cd34", "lease_until": "2026-12-15T12:32:00Z"}
    services.answers["payments"] = paged(
        [run(9, "payments.autopay", 30, status="running", finished_at=None), run(8, "payments.reconciliation", 10)],
        [lease, {"job": "payments.reconciliation", "runner": None, "lease_until": None}],
    )
    services.answers["readings"] = paged(
        [run(3, "readings.reading_window", 20, status="failed", failures=1, error="RuntimeError: нет связи")],
        [{"job": "readings.reading_window", "runner": None, "lease_until": None}],
    )
    services.answers["accounts"] = paged([], [])
    supervisor = as_role(tokens, "supervisor")
    sent = {**supervisor, "X-Request-ID": "jobs-1"}

    async with gateway() as base, anonymous.get(base + JOBS, headers=sent) as answer:
        assert answer.status == 200
        body = await answer.json()

    assert [(r["service"], r["job"], r["status"]) for r in body["runs"]] == [
        ("payments", "payments.autopay", "running"),
        ("readings", "readings.reading_window", "failed"),
        ("payments", "payments.reconciliation", "finished"),
    ]
    assert body["runs"][1]["error"] == "RuntimeError: нет связи"
    assert body["runs"][1]["failures"] == 1
    assert body["jobs"][0] == {**lease, "service": "payments", "lease_until": "2026-12-15T12:32:00Z"}
    assert [(j["service"], j["job"]) for j in body["jobs"]] == [
        ("payments", "payments.autopay"),
        ("payments", "payments.reconciliation"),
        ("readings", "readings.reading_window"),
    ]
    assert body["unavailable"] == []
    # Each service was asked once, as any call passed on: the caller's token, the request's id.
    for name, asked in services.asked.items():
        (request,) = asked
        assert request.headers["Authorization"] == supervisor["Authorization"], name
        assert request.headers["X-Request-ID"] == "jobs-1"
        assert request.headers["X-User-Role"] == "supervisor"
        assert dict(request.query) == {"limit": "50", "offset": "0"}


async def test_a_page_of_the_merge_asks_each_service_for_what_could_be_on_it(
    scheduling: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    services, gateway = scheduling
    # Payments' runs every even minute, readings' every odd one, 600 minutes of them; accounts none.
    services.answers["payments"] = paged([run(n, "payments.autopay", 2 * (300 - n)) for n in range(300)], [])
    services.answers["readings"] = paged([run(n, "readings.reading_window", 2 * (300 - n) - 1) for n in range(300)], [])
    services.answers["accounts"] = paged([], [])

    async with gateway() as base:
        async with anonymous.get(base + JOBS + "?limit=4&offset=2", headers=as_role(tokens, "supervisor")) as answer:
            first = await answer.json()
        asked_first = {name: [dict(r.query) for r in asked] for name, asked in services.asked.items()}
        for asked in services.asked.values():
            asked.clear()
        async with anonymous.get(base + JOBS + "?limit=50&offset=250", headers=as_role(tokens, "supervisor")) as answer:
            deep = await answer.json()

    assert [(r["service"], r["id"]) for r in first["runs"]] == [
        ("payments", 1),
        ("readings", 1),
        ("payments", 2),
        ("readings", 2),
    ]
    assert asked_first["payments"] == [{"limit": "6", "offset": "0"}]
    assert asked_first["accounts"] == [{"limit": "6", "offset": "0"}]
    # The 251st to 300th newest of all: two pages of each service (200 at most a call).
    assert [(r["service"], r["id"]) for r in deep["runs"]][:2] == [("payments", 125), ("readings", 125)]
    assert len(deep["runs"]) == 50
    assert [dict(r.query) for r in services.asked["payments"]] == [
        {"limit": "200", "offset": "0"},
        {"limit": "100", "offset": "200"},
    ]
    assert [dict(r.query) for r in services.asked["accounts"]] == [{"limit": "200", "offset": "0"}]  # it had none


async def test_services_that_do_not_answer_are_named_and_the_others_are_shown(
    scheduling: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory, refused_url: str
) -> None:
    services, gateway = scheduling

    async def hung(_: web.Request) -> web.Response:
        await asyncio.sleep(30)
        raise AssertionError("never answered")

    services.answers["readings"] = hung
    services.answers["accounts"] = paged([run(1, "accounts.debt", 5)], [])

    async with gateway(payments_url=refused_url, jobs_timeout_s=0.5) as base:
        started = time.monotonic()
        async with anonymous.get(base + JOBS, headers=as_role(tokens, "supervisor")) as answer:
            assert answer.status == 200
            body = await answer.json()
        took = time.monotonic() - started
        # A service that answers but not with its list (a 503 of its database, or anything else).
        services.answers["readings"] = lambda _: web.json_response({"status": "not ready"}, status=503)
        services.answers["accounts"] = lambda _: web.Response(text="<html>прокси</html>", content_type="text/html")
        async with anonymous.get(base + JOBS, headers=as_role(tokens, "supervisor")) as answer:
            assert answer.status == 200
            none_at_all = await answer.json()

    assert body["unavailable"] == ["payments", "readings"]
    assert [(r["service"], r["job"]) for r in body["runs"]] == [("accounts", "accounts.debt")]
    assert took < 5, "a hung service is waited for only jobs_timeout_s"
    assert none_at_all == {"runs": [], "jobs": [], "unavailable": ["payments", "readings", "accounts"]}


@pytest.mark.parametrize("role", ["operator", "subscriber"])
async def test_it_is_the_supervisors_alone_and_the_services_are_not_asked_for_others(
    scheduling: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory, role: str
) -> None:
    services, gateway = scheduling
    async with gateway() as base:
        async with anonymous.get(base + JOBS, headers=as_role(tokens, role)) as answer:
            assert answer.status == 403
            assert answer.content_type == PROBLEM
            problem = await answer.json(content_type=PROBLEM)
        async with anonymous.get(base + JOBS) as unsigned:
            assert unsigned.status == 401
    assert (problem["code"], problem["detail"]) == ("forbidden", "Действие доступно только старшим операторам")
    assert all(asked == [] for asked in services.asked.values())


async def test_a_services_refusal_is_the_callers_answer(
    scheduling: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    """A service may know before the gateway that the session ended: its 401 stands."""
    services, gateway = scheduling
    ended = {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "Сеанс завершен", "code": "x"}
    services.answers["payments"] = paged([], [])
    services.answers["readings"] = lambda _: web.json_response(ended, status=401, content_type=PROBLEM)
    services.answers["accounts"] = paged([], [])
    async with gateway() as base, anonymous.get(base + JOBS, headers=as_role(tokens, "supervisor")) as answer:
        assert answer.status == 401
        assert await answer.json(content_type=PROBLEM) == ended


@pytest.mark.parametrize(
    ("query", "field"),
    [("?offset=1001", "offset"), ("?limit=0", "limit"), ("?limit=201", "limit"), ("?limit=5&limit=6", "limit")],
)
async def test_a_page_out_of_range_is_refused_naming_the_parameter(
    scheduling: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory, query: str, field: str
) -> None:
    services, gateway = scheduling
    async with gateway() as base, anonymous.get(base + JOBS + query, headers=as_role(tokens, "supervisor")) as answer:
        assert answer.status == 422
        problem = await answer.json(content_type=PROBLEM)
    assert problem["code"] == "validation_error"
    assert [error["field"] for error in problem["errors"]] == [field]
    assert all(asked == [] for asked in services.asked.values())
