"""An API whose database stops answering answers 503 within the acquire deadline (docs/quality.md item 13).

The database is reached through a TCP proxy the test owns: `black_hole()` accepts and never
answers (a hung server), `refuse()` is a server gone. Before the deadline (`db_acquire_timeout_s`)
the black hole gave 503 only after the pool's pre-ping had waited the command timeout (6 s),
plus a connect timeout (2 s), and concurrent callers queued behind each other up to 8 s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.engine import make_url

from lka_common.settings import ServiceSettings
from lka_common.testing.http import serve_in_background
from lka_common.testing.tcp_proxy import TcpProxy
from lka_common.web import DriverUowDep, UowDep, create_app

router = APIRouter()


@router.get("/probe")
async def probe(uow: UowDep) -> dict[str, int]:
    async with uow:
        return {"one": (await uow.session.execute(text("SELECT 1"))).scalar_one()}


@router.get("/driver-probe")
async def driver_probe(uow: DriverUowDep) -> dict[str, int]:
    async with uow:
        return {"one": await uow.conn.fetchval("SELECT 1")}


class OutageSettings(ServiceSettings):
    service_name = "outagetest"


@pytest.fixture
def proxy(messaging_database: str) -> Iterator[TcpProxy]:
    server = make_url(messaging_database)
    with TcpProxy(server.host or "127.0.0.1", server.port or 5432) as running:
        yield running


def settings_through(proxy: TcpProxy, messaging_database: str) -> OutageSettings:
    url = make_url(messaging_database).set(host="127.0.0.1", port=proxy.port)
    return OutageSettings(
        database_url=url.render_as_string(hide_password=False),
        environment="test",
        db_pool_size=2,
        db_max_overflow=1,
        db_acquire_timeout_s=1.0,
    )


async def timed_get(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
    started = time.monotonic()
    response = await client.get(path)
    return response.status_code, time.monotonic() - started


@pytest.mark.parametrize("path", ["/api/v1/probe", "/api/v1/driver-probe"], ids=["sqlalchemy", "asyncpg"])
@pytest.mark.parametrize("fault", ["black_hole", "refuse"])
async def test_an_unreachable_database_answers_503_within_the_deadline_and_recovers(
    proxy: TcpProxy, messaging_database: str, fault: str, path: str
) -> None:
    """Both units of work: SQLAlchemy's session and the driver's (the hot path's)."""
    app = create_app(settings_through(proxy, messaging_database), title="outage", routers=[router])
    async with serve_in_background(app) as base_url, httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        assert (await client.get(path)).status_code == 200  # a connection in the pool
        getattr(proxy, fault)()
        try:
            for _ in range(2):  # with connections in the pool, then with the pool given up
                answers = await asyncio.gather(*(timed_get(client, path) for _ in range(8)))
                assert [status for status, _ in answers] == [503] * 8, answers
                # 1 s deadline; the rest is slack for a loaded machine, well under docs/quality.md's 2 s.
                assert max(seconds for _, seconds in answers) < 1.8, answers
        finally:
            proxy.forward()
        deadline = time.monotonic() + 30
        while (await client.get(path)).status_code != 200:
            assert time.monotonic() < deadline, "not serving again after the database came back"
            await asyncio.sleep(0.2)


async def test_a_database_refusing_more_connections_answers_503_not_500(messaging_database: str, run_id: str) -> None:
    """PostgreSQL full (`too many connections`, SQLSTATE 53300: another job holds them all) is an
    outage that passes, as the benchmark met on this shared machine: 503 with Retry-After."""
    role = f"lka_full_{run_id}"
    admin = await asyncpg.connect(
        make_url(messaging_database).render_as_string(hide_password=False).replace("+asyncpg", "")
    )
    await admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0')
    try:
        url = make_url(messaging_database).set(username=role, password=None)
        settings = OutageSettings(
            database_url=url.render_as_string(hide_password=False), environment="test", db_pool_size=1
        )
        app = create_app(settings, title="full", routers=[router])
        async with serve_in_background(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
            response = await client.get("/api/v1/probe")
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "service_unavailable"
        assert response.headers["Retry-After"]
    finally:
        await admin.execute(f'DROP ROLE "{role}"')
        await admin.close()
