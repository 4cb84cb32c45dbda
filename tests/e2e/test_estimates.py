"""Estimates end to end, through the gateway (issue 23, "must hold" 1): billing publishes a
two-zone tariff, an account on it and its meter; a reading's 201 carries what it will cost,
computed here by hand, the history shows it, and a register that rolled over is priced for the
kWh past its maximum (services/readings/README.md, "Estimates")."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from billing_support import V1, Household, household, meter, new_number, projected, publish, tariff

from lka_common.testing.events import eventually
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

SERIAL = "M230-E2E"


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


async def test_a_reading_carries_its_estimate_and_the_history_keeps_it_across_a_rollover(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    number = new_number()
    tariff_id = f"E2E-2Z-{secrets.token_hex(3)}"
    await publish(stack, tariff(tariff_id, T1=649, T2=325))  # 6.49 by day, 3.25 by night
    home = await household(http, stack, stack_env, number, tariff_id)
    # A five-digit register just below its maximum: 99 990 by day, 500 by night.
    await publish(stack, meter(number, SERIAL, 5, T1="99990", T2="500"))
    await projected(stack_env, "readings", "SELECT 1 FROM tariffs WHERE tariff_id = $1", tariff_id)
    await projected(
        stack_env,
        "readings",
        "SELECT 1 FROM account_tariffs WHERE account_number = $1 AND tariff_id = $2",
        number,
        tariff_id,
    )
    url = f"{V1}/accounts/{home.account_id}/readings"

    meter_id = await the_meter(http, home)

    # 5 kWh × 6.49 + 20 kWh × 3.25 = 32.45 + 65.00
    first = await http.post(
        url, json={"meter_id": meter_id, "values": {"T1": 99995, "T2": 520}}, headers=home.me.headers
    )
    # Past 99 999 the register starts again: 99 990 → 10 is 20 kWh; 30.25 kWh by night.
    # 20 × 6.49 + 30.25 × 3.25 = 129.80 + 98.3125 → 98.31 (each zone to the kopeck) = 228.11
    rolled = await http.post(
        url, json={"meter_id": meter_id, "values": {"T1": 10, "T2": 530.25}}, headers=home.me.headers
    )

    assert first.status_code == 201, first.text
    assert rolled.status_code == 201, rolled.text
    period = first.json()["billing_period"]
    assert first.json()["estimate"] == {"amount": "97.45", "period": period, "tariff_id": tariff_id}
    assert rolled.json()["estimate"] == {"amount": "228.11", "period": period, "tariff_id": tariff_id}
    history = (await http.get(url, headers=home.me.headers)).json()
    assert [(item["id"], item["estimate"]["amount"]) for item in history] == [
        (rolled.json()["id"], "228.11"),
        (first.json()["id"], "97.45"),
    ]


async def test_an_account_without_a_tariff_gets_no_estimate(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    number = new_number()
    home = await household(http, stack, stack_env, number)
    await publish(stack, meter(number, SERIAL, 6, T1="1000", T2="500"))

    meter_id = await the_meter(http, home)
    answer = await http.post(
        f"{V1}/accounts/{home.account_id}/readings",
        json={"meter_id": meter_id, "values": {"T1": 1100, "T2": 550}},
        headers=home.me.headers,
    )

    assert (answer.status_code, answer.json()["estimate"]) == (201, None), answer.text


async def the_meter(http: httpx.AsyncClient, home: Household) -> str:
    """The meter's id once readings lists it: until readings has heard of the account, its
    meters are another's (404), and until the meter event arrives the list is empty."""

    async def listed() -> str | None:
        answer = await http.get(f"{V1}/accounts/{home.account_id}/meters", headers=home.me.headers)
        if answer.status_code != 200:
            return None
        return next((m["id"] for m in answer.json() if m["serial_number"] == SERIAL), None)

    found: str = await eventually(listed, "the meter in readings", timeout=30, interval=0.3)
    return found
