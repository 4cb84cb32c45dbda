"""Readings through the gateway on the whole stack, with the billing simulator's demo meters
(readings issue, "must hold" 1): link, list meters, submit a two-zone reading, see it in the
history and billing's verdict; every rule's code; a rollover; foreign accounts; the public form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import httpx
import pytest

from lka_common.testing import events
from lka_common.testing.portal import Subscriber, new_subscriber
from lka_common.testing.stack import Stack

# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=30, interval=0.3)

pytestmark = pytest.mark.slow

V1 = "/api/v1"
SURNAMES = {"91000101": "Ива", "91000202": "Елк", "91000303": "Пет", "91000404": "Фед", "91000505": "Ким"}


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


async def linked_account(
    http: httpx.AsyncClient, stack: Stack, region_code: str, number: str
) -> tuple[Subscriber, str]:
    """A new subscriber with this demo account linked, once readings has heard of the link."""
    me = await new_subscriber(http, stack.mail)
    body = {"region_code": region_code, "number": number, "surname_prefix": SURNAMES[number]}
    linked = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
    assert linked.status_code == 201, linked.text
    account_id = str(linked.json()["account"]["id"])

    async def meters_visible() -> bool:
        response = await http.get(f"{V1}/accounts/{account_id}/meters", headers=me.headers)
        return response.status_code == 200 and bool(response.json())

    await eventually(meters_visible)
    return me, account_id


async def meters(http: httpx.AsyncClient, me: Subscriber, account_id: str) -> dict[str, dict[str, Any]]:
    response = await http.get(f"{V1}/accounts/{account_id}/meters", headers=me.headers)
    return {meter["serial_number"]: meter for meter in response.json()}


async def test_a_two_zone_reading_goes_to_billing_and_comes_back_accepted(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    me, account_id = await linked_account(http, stack, "yalta", "91000202")
    meter = (await meters(http, me, account_id))["M230-0202"]
    assert (meter["zones"], meter["digits"]) == (["T1", "T2"], 6)
    assert meter["last_reading"]["values"] == {"T1": 8123, "T2": 3456.5}

    url = f"{V1}/accounts/{account_id}/readings"
    submitted = await http.post(
        url, json={"meter_id": meter["id"], "values": {"T1": 8250, "T2": 3501.5}}, headers=me.headers
    )

    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["message"].startswith("Показания переданы и будут учтены за ")
    (shown,) = (await http.get(url, headers=me.headers)).json()
    assert (shown["id"], shown["values"], shown["source"]) == (body["id"], {"T1": 8250, "T2": 3501.5}, "web")
    assert shown["status"] in ("submitted", "sent")

    async def verdict() -> Any:
        (reading,) = (await http.get(url, headers=me.headers)).json()
        return reading if reading["status"] in ("accepted", "rejected") else None

    reading = await eventually(verdict)
    assert (reading["status"], reading["status_reason"]) == ("accepted", None)

    async def new_last_reading() -> bool:
        last = (await meters(http, me, account_id))["M230-0202"]["last_reading"]
        return bool(last["values"] == {"T1": 8250, "T2": 3501.5})

    await eventually(new_last_reading)


async def test_each_rule_refuses_with_its_code(http: httpx.AsyncClient, stack: Stack) -> None:
    me, account_id = await linked_account(http, stack, "kerch", "91000303")
    meter = (await meters(http, me, account_id))["CE303-0303"]  # T1 23456.7, T2 9876.5, T3 4321; 7 digits
    url = f"{V1}/accounts/{account_id}/readings"
    cases = {
        "zones_mismatch": {"T1": 23500, "T2": 9900},
        "reading_out_of_range": {"T1": 23500, "T2": 9900, "T3": 10_000_000},
        "reading_decreased": {"T1": 23000, "T2": 9900, "T3": 4400},
        "reading_implausible": {"T1": 43500, "T2": 9900, "T3": 4400},
    }
    for code, values in cases.items():
        response = await http.post(url, json={"meter_id": meter["id"], "values": values}, headers=me.headers)
        assert (response.status_code, response.json()["code"]) == (422, code), response.text
        assert response.json()["errors"]
    decreased = await http.post(
        url, json={"meter_id": meter["id"], "values": cases["reading_decreased"]}, headers=me.headers
    )
    assert decreased.json()["detail"] == "Показание T1 меньше предыдущего (23 456,7)"


async def test_a_meter_that_rolled_over_is_accepted(http: httpx.AsyncClient, stack: Stack) -> None:
    me, account_id = await linked_account(http, stack, "bakhchisaraysky_district", "91000404")
    meter = (await meters(http, me, account_id))["CE102-0404"]  # 5 digits, T1 99870

    response = await http.post(
        f"{V1}/accounts/{account_id}/readings",
        json={"meter_id": meter["id"], "values": {"T1": 120}},
        headers=me.headers,
    )

    assert response.status_code == 201, response.text


async def test_a_foreign_account_is_not_found_on_every_readings_call(http: httpx.AsyncClient, stack: Stack) -> None:
    owner, account_id = await linked_account(http, stack, "simferopol", "91000101")
    meter_id = (await meters(http, owner, account_id))["CE102-0101"]["id"]
    stranger = await new_subscriber(http, stack.mail)
    base = f"{V1}/accounts/{account_id}"

    answers = [
        await http.get(f"{base}/meters", headers=stranger.headers),
        await http.get(f"{base}/readings", headers=stranger.headers),
        await http.get(f"{base}/consumption", headers=stranger.headers),
        await http.post(
            f"{base}/readings", json={"meter_id": meter_id, "values": {"T1": 12500}}, headers=stranger.headers
        ),
    ]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert (await http.get(f"{base}/consumption", headers=owner.headers)).status_code == 200


async def test_the_public_form_takes_the_right_serial_and_refuses_a_wrong_one(http: httpx.AsyncClient) -> None:
    form = {"region_code": "feodosiya", "account_number": "91000505", "values": {"T1": 45100, "T2": 20150, "T3": 15050}}

    right = await http.post(f"{V1}/public/readings", json={**form, "meter_serial": "CE303-0505"})
    wrong = await http.post(f"{V1}/public/readings", json={**form, "meter_serial": "CE303-9999"})

    assert right.status_code == 201, right.text
    assert set(right.json()) == {"id", "status", "billing_period", "message"}
    assert (wrong.status_code, wrong.json()["code"]) == (404, "not_found")
    assert "Ким" not in right.text + wrong.text
