"""Drill 3: the readings database refused, then black-holed: readings answers 503 problem+json
within 2 s, the other services keep serving, and readings recovers by itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass

import httpx
import pytest
from drill_support import (
    V1,
    Household,
    eventually,
    submit,
)

from lka_common.testing.stack import Stack
from lka_common.testing.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.drill]

OUTAGE_BOUND_S = 2.0  # docs/quality.md item 13: 503 within 2 s


@dataclass
class Timed:
    status: int
    seconds: float
    response: httpx.Response


async def timed(call: Awaitable[httpx.Response]) -> Timed:
    started = time.monotonic()
    response = await call
    return Timed(response.status_code, time.monotonic() - started, response)


def assert_fast_503(answer: Timed, what: str) -> None:
    body = answer.response.text
    assert answer.status == 503, f"{what}: {answer.status} {body}"
    assert answer.seconds < OUTAGE_BOUND_S, f"{what}: 503 after {answer.seconds:.2f} s"
    assert answer.response.headers["content-type"].startswith("application/problem+json"), what
    assert answer.response.json()["code"] == "service_unavailable", body
    assert answer.response.headers.get("retry-after"), what


@pytest.mark.parametrize("fault", ["refuse", "black_hole"])
async def test_3_readings_database_unreachable_answers_503_fast_others_serve_and_it_recovers(
    stack: Stack,
    http: httpx.AsyncClient,
    households: list[Household],
    readings_db_proxy: TcpProxy,
    fault: str,
) -> None:
    home = households[0]
    readings_api = stack.pid("lka_readings.entrypoints.api")
    meters_url = f"{V1}/accounts/{home.account_id}/meters"
    assert (await http.get(meters_url, headers=home.me.headers)).status_code == 200  # pooled connections

    async def readings_calls() -> list[Timed]:
        calls = [timed(http.get(meters_url, headers=home.me.headers)) for _ in range(5)]
        body = {"meter_id": home.meter_id, "values": home.next_values()}
        calls.append(timed(http.post(f"{V1}/accounts/{home.account_id}/readings", json=body, headers=home.me.headers)))
        async with httpx.AsyncClient(timeout=30) as direct:
            calls.append(timed(direct.get(f"{stack.url(8003)}/readyz")))
            return list(await asyncio.gather(*calls))

    async def others_serve() -> None:
        other = households[1]
        answers = await asyncio.gather(
            timed(http.get(f"{V1}/accounts", headers=other.me.headers)),
            timed(http.get(f"{V1}/profile", headers=other.me.headers)),
            timed(http.get(f"{V1}/accounts/{other.account_id}/payments", headers=other.me.headers)),
            timed(
                http.post(f"{V1}/feedback", json={"topic": "Учения", "message": "Проверка", "email": other.me.email})
            ),
        )
        assert [a.status for a in answers] == [200, 200, 200, 201], [a.response.text for a in answers]

    getattr(readings_db_proxy, fault)()
    try:
        # Twice: at once (pooled connections to check), and once the pool has given them up.
        for round_ in ("at once", "3 s into the outage"):
            answers = await readings_calls()
            print(f"{fault}, {round_}: {[(a.status, round(a.seconds, 2)) for a in answers]}")
            for i, answer in enumerate(answers[:-1]):
                assert_fast_503(answer, f"{fault}, {round_}, call {i}")
            ready = answers[-1]
            assert (ready.status, ready.seconds < OUTAGE_BOUND_S) == (503, True), (ready.status, ready.seconds)
            await others_serve()
            await asyncio.sleep(3)
    finally:
        readings_db_proxy.forward()

    async def recovered() -> bool:
        response = await http.get(meters_url, headers=home.me.headers)
        return response.status_code == 200

    started = time.monotonic()
    await eventually(recovered, "readings serving again once its database is back", timeout=60)
    print(f"{fault}: recovered {time.monotonic() - started:.2f} s after the proxy forwarded again")
    assert (await submit(http, home)).status_code == 201
    assert stack.pid("lka_readings.entrypoints.api") == readings_api, "recovered by a restart, not by itself"
