"""Submitting a reading signed in (docs/contract.md §2 readings): validated per zone with Russian
sentences, counted for the right month, announced once, and once only however many identical
requests race."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from lka_common.events.billing import LastReading
from lka_readings.domain import messages
from lka_readings.domain.periods import billing_period


async def submit(api: httpx.AsyncClient, scene: Any, values: dict[str, Any]) -> httpx.Response:
    body = {"meter_id": scene.meter_id, "values": values}
    return await api.post(f"/accounts/{scene.account.account_id}/readings", json=body, headers=scene.me.headers)


async def test_a_two_zone_reading_is_taken_for_the_right_month_and_shown_in_the_history(
    api: httpx.AsyncClient, scene: Any, outbox: Any
) -> None:
    response = await submit(api, scene, {"T1": 8250, "T2": 3500.75})

    assert response.status_code == 201, response.text
    body = response.json()
    period = billing_period(datetime.now(UTC), 25)
    assert (body["status"], body["billing_period"]) == ("submitted", period)
    assert body["message"] == messages.submitted(period)
    assert messages.month_name(period) in body["message"]
    (shown,) = (await api.get(f"/accounts/{scene.account.account_id}/readings", headers=scene.me.headers)).json()
    assert shown["id"] == body["id"]
    assert (shown["meter_id"], shown["values"], shown["source"]) == (scene.meter_id, {"T1": 8250, "T2": 3500.75}, "web")
    assert (shown["status"], shown["status_reason"], shown["billing_period"]) == ("submitted", None, period)
    (event,) = await outbox("readings.reading.submitted.v1", reading_id=body["id"])
    submitted_at = event.pop("submitted_at")
    assert datetime.fromisoformat(submitted_at) == datetime.fromisoformat(shown["submitted_at"])
    assert event == {
        "reading_id": body["id"],
        "account_id": str(scene.account.account_id),
        "region_code": "yalta",
        "account_number": scene.account.number,
        "meter_serial": "M230-0202",
        "values": {"T1": 8250, "T2": 3500.75},
        "billing_period": period,
        "source": "web",
    }


@pytest.mark.parametrize(
    ("values", "code", "detail"),
    [
        ({"T1": 8200}, "zones_mismatch", "Для этого счетчика укажите показания по зонам: T1 день, T2 ночь"),
        ({"T1": 8200, "T2": -1}, "reading_out_of_range", "Показание T2 не может быть отрицательным"),
        ({"T1": 8200.123, "T2": 3500}, "reading_out_of_range", "Показание T1: не больше двух знаков после запятой"),
        ({"T1": 1000000, "T2": 3500}, "reading_out_of_range", None),
        ({"T1": 8000, "T2": 3500}, "reading_decreased", "Показание T1 меньше предыдущего (8 123)"),
        ({"T1": 8200, "T2": 13457}, "reading_implausible", None),
    ],
)
async def test_each_rule_answers_422_with_its_code_and_a_russian_sentence(
    api: httpx.AsyncClient, scene: Any, values: dict[str, Any], code: str, detail: str | None
) -> None:
    response = await submit(api, scene, values)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    if detail is not None:
        assert body["detail"] == detail
    assert body["errors"] and all(error["message"] for error in body["errors"])


async def test_a_value_that_is_not_a_json_number_is_a_validation_error(api: httpx.AsyncClient, scene: Any) -> None:
    response = await submit(api, scene, {"T1": "8200", "T2": 3500})
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


async def test_a_meter_that_rolled_over_is_accepted(api: httpx.AsyncClient, person: Any, meter: Any, link: Any) -> None:
    data = await meter(
        serial_number="CE102-0404",
        zones=1,
        digits=5,
        last_reading=LastReading(values={"T1": Decimal(99870)}, date=date(2026, 10, 28)),
    )
    me = person()
    account = await link(me.user_id, data.region_code, data.account_number)
    (shown,) = (await api.get(f"/accounts/{account.account_id}/meters", headers=me.headers)).json()

    response = await api.post(
        f"/accounts/{account.account_id}/readings",
        json={"meter_id": shown["id"], "values": {"T1": 120}},
        headers=me.headers,
    )

    assert response.status_code == 201, response.text


async def test_a_meter_of_another_account_is_not_found(
    api: httpx.AsyncClient, scene: Any, meter: Any, db: asyncpg.Pool
) -> None:
    other = await meter()
    foreign_meter_id = await db.fetchval("SELECT id FROM meters WHERE account_number = $1", other.account_number)
    body = {"meter_id": str(foreign_meter_id), "values": {"T1": 8200, "T2": 3500}}

    response = await api.post(f"/accounts/{scene.account.account_id}/readings", json=body, headers=scene.me.headers)

    assert response.status_code == 404


async def test_the_same_reading_sent_again_is_one_reading_and_a_clear_answer(
    api: httpx.AsyncClient, scene: Any, outbox: Any
) -> None:
    first = await submit(api, scene, {"T1": 8300, "T2": 3600})
    again = await submit(api, scene, {"T1": 8300.00, "T2": 3600})

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_reading"
    assert again.json()["reading_id"] == first.json()["id"]
    assert again.json()["detail"].startswith("Эти показания уже переданы")


async def test_fifty_identical_submissions_at_once_make_one_reading_and_no_error(
    api: httpx.AsyncClient, scene: Any, outbox: Any
) -> None:
    responses = await asyncio.gather(*(submit(api, scene, {"T1": 8400, "T2": 3700}) for _ in range(50)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 49, statuses
    (created,) = [response.json() for response in responses if response.status_code == 201]
    assert {response.json()["reading_id"] for response in responses if response.status_code == 409} == {created["id"]}
    history = (await api.get(f"/accounts/{scene.account.account_id}/readings", headers=scene.me.headers)).json()
    assert [reading["id"] for reading in history] == [created["id"]]
    assert len(await outbox("readings.reading.submitted.v1", account_id=scene.account.account_id)) == 1


async def test_the_history_is_newest_first_and_paged(api: httpx.AsyncClient, scene: Any) -> None:
    ids = []
    for t1 in (8200, 8210, 8220):
        response = await submit(api, scene, {"T1": t1, "T2": 3500})
        ids.append(response.json()["id"])
    url = f"/accounts/{scene.account.account_id}/readings"

    page = (await api.get(url, params={"limit": 2, "offset": 1}, headers=scene.me.headers)).json()

    assert [reading["id"] for reading in page] == [ids[1], ids[0]]
    too_many = await api.get(url, params={"limit": 201}, headers=scene.me.headers)
    assert too_many.status_code == 422


@pytest.mark.parametrize("role", ["operator", "supervisor"])
async def test_a_staff_token_cannot_submit_a_reading_and_nothing_is_stored(
    api: httpx.AsyncClient, scene: Any, person: Any, db: asyncpg.Pool, outbox: Any, role: str
) -> None:
    # Even for an account linked to that very person before they became staff (docs/contract.md §4).
    staff = person(role, user_id=scene.me.user_id)
    body = {"meter_id": scene.meter_id, "values": {"T1": 8250, "T2": 3500}}

    response = await api.post(f"/accounts/{scene.account.account_id}/readings", json=body, headers=staff.headers)

    assert (response.status_code, response.json()["code"]) == (403, "staff_not_allowed")
    assert response.headers["content-type"] == "application/problem+json"
    stored = await db.fetchval("SELECT count(*) FROM readings WHERE account_number = $1", scene.account.number)
    assert stored == 0
    assert await outbox("readings.reading.submitted.v1", account_id=str(scene.account.account_id)) == []
