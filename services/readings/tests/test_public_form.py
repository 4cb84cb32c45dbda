"""The public form (`POST /public/readings`): region, account number and meter serial must
all match, every mismatch is the same 404, no answer carries personal data, and one client
address has 20 submissions an hour (CONTRACT §2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from lka_common.testing.http import serve_in_background
from lka_readings.bootstrap import build_app
from lka_readings.settings import ReadingsSettings


def form(data: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "region_code": data.region_code,
        "account_number": data.account_number,
        "meter_serial": data.serial_number,
        "values": {"T1": 8300, "T2": 3600},
    }
    return {**body, **overrides}


async def test_the_right_serial_takes_the_reading_and_tells_nothing_about_the_account(
    api: httpx.AsyncClient, meter: Any, outbox: Any
) -> None:
    data = await meter()

    response = await api.post("/public/readings", json=form(data))

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "status", "billing_period", "message"}
    (event,) = await outbox("readings.reading.submitted.v1", reading_id=body["id"])
    assert (event["source"], event["meter_serial"], event["account_number"]) == (
        "anonymous",
        "M230-0202",
        data.account_number,
    )


async def test_an_account_linked_in_the_portal_is_named_by_its_real_id(
    api: httpx.AsyncClient, meter: Any, link: Any, person: Any, outbox: Any
) -> None:
    data = await meter()
    account = await link(person().user_id, data.region_code, data.account_number)

    response = await api.post("/public/readings", json=form(data))

    (event,) = await outbox("readings.reading.submitted.v1", reading_id=response.json()["id"])
    assert event["account_id"] == str(account.account_id)


@pytest.mark.parametrize(
    "wrong",
    [{"meter_serial": "CE102-9999"}, {"account_number": "0000000001"}, {"region_code": "kerch"}],
)
async def test_any_mismatch_is_the_same_not_found(api: httpx.AsyncClient, meter: Any, wrong: dict[str, str]) -> None:
    data = await meter()

    response = await api.post("/public/readings", json=form(data, **wrong))
    unknown = await api.post("/public/readings", json=form(data, region_code="nowhere", account_number="x"))

    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()
    assert response.json()["code"] == "not_found"


async def test_a_decreased_reading_on_the_public_form_does_not_quote_the_last_value(
    api: httpx.AsyncClient, meter: Any
) -> None:
    data = await meter()

    response = await api.post("/public/readings", json=form(data, values={"T1": 8000, "T2": 3500}))

    assert (response.status_code, response.json()["code"]) == (422, "reading_decreased")
    assert "8 123" not in response.text and "8123" not in response.text


@pytest.fixture
async def limited_api(settings: ReadingsSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The API with the contract's default limit of the public form (20 per address per hour)."""
    strict = settings.model_copy(update={"anonymous_readings_per_client_per_hour": 20})
    async with (
        serve_in_background(build_app(strict)) as base_url,
        httpx.AsyncClient(base_url=base_url + "/api/v1") as client,
    ):
        yield client


async def test_the_twenty_first_submission_from_one_address_in_an_hour_is_refused(
    limited_api: httpx.AsyncClient, meter: Any
) -> None:
    data = await meter()
    # A forwarded address of its own (loopback is a trusted proxy), so other tests do not count.
    headers = {"X-Forwarded-For": "203.0.113.77"}
    answers = []
    for t1 in range(8200, 8221):
        response = await limited_api.post(
            "/public/readings", json=form(data, values={"T1": t1, "T2": 3500}), headers=headers
        )
        answers.append(response.status_code)

    assert answers == [201] * 20 + [429]
    refused = response
    assert refused.json()["code"] == "too_many_requests"
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    other = await limited_api.post(
        "/public/readings",
        json=form(data, values={"T1": 8300, "T2": 3500}),
        headers={"X-Forwarded-For": "203.0.113.78"},
    )
    assert other.status_code == 201
