"""Drill: the database down for an API call (docs/quality.md item 13).

The notifications API is served for real (uvicorn in this process) on a private PostgreSQL,
which is stopped with `pg_ctl stop -m immediate` under it: requests must get a `503`
problem document within 2 s (never a hang, never a 500), readiness must fail, and both must
recover by themselves once the database is back, without restarting the API.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from lka_common.testing.databases import create_migrated_database, plain_url
from lka_common.testing.http import serve_in_background
from lka_common.testing.layout import service_dir
from lka_common.testing.private_servers import PrivatePostgres
from lka_notifications.bootstrap import build_app
from lka_notifications.settings import NotificationsSettings

pytestmark = [pytest.mark.drill, pytest.mark.slow]

ANSWER_WITHIN_S = 2.0


async def poll_status(
    call: Callable[[], Awaitable[httpx.Response]], status: int, what: str, timeout: float = 15
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        response = await call()
        if response.status_code == status:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {response.status_code} after {timeout}s: {response.text[:300]}")
        await asyncio.sleep(0.1)


async def timed(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await call
    return response, time.monotonic() - started


async def test_database_down_for_an_api_call_answers_503_fast_and_recovers_by_itself(
    private_postgres: PrivatePostgres, drill_amqp_url: str
) -> None:
    database_url = create_migrated_database(
        private_postgres.admin_url, f"lka_drill_{uuid.uuid4().hex[:8]}", service_dir("notifications")
    )
    settings = NotificationsSettings(
        database_url=database_url,
        amqp_url=drill_amqp_url,
        environment="test",
        db_pool_size=3,
        feedback_per_client_per_hour=10_000,
    )
    tag = uuid.uuid4().hex[:10]

    def feedback(label: str) -> dict[str, str]:
        return {"topic": f"drill-{tag}-{label}", "message": "Проверка", "email": "drill@example.ru"}

    async with (
        serve_in_background(build_app(settings)) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=10) as client,
    ):
        assert (await client.post("/api/v1/feedback", json=feedback("before"))).status_code == 201
        assert (await client.get("/readyz")).status_code == 200

        private_postgres.stop("immediate")
        answers = await asyncio.gather(
            *(timed(client.post("/api/v1/feedback", json=feedback(f"down-{i}"))) for i in range(5)),
            timed(client.get("/readyz")),
        )
        *posts, (ready, ready_s) = answers
        for response, seconds in posts:
            assert response.status_code == 503, f"{response.status_code}: {response.text[:300]}"
            assert seconds < ANSWER_WITHIN_S, f"503 took {seconds:.2f}s"
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "service_unavailable"
            assert response.headers.get("retry-after")
        assert ready.status_code == 503 and ready_s < ANSWER_WITHIN_S, f"readiness: {ready.status_code} in {ready_s}"

        private_postgres.start()
        await poll_status(lambda: client.get("/readyz"), 200, "readiness after the database came back")
        await poll_status(
            lambda: client.post("/api/v1/feedback", json=feedback("after")), 201, "feedback after the restart"
        )

    conn = await asyncpg.connect(plain_url(database_url), timeout=5)
    try:
        topics = {row["topic"] for row in await conn.fetch("SELECT topic FROM feedback")}
        outbox = await conn.fetchval("SELECT count(*) FROM outbox")
    finally:
        await conn.close()
    assert topics == {f"drill-{tag}-before", f"drill-{tag}-after"}
    # Each stored feedback has its three outbox rows (the event, two letters); a refused one has none.
    assert outbox == 3 * len(topics), f"{outbox} outbox rows for {len(topics)} stored feedbacks"
