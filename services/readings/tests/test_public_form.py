"""The public form (`POST /public/readings`): region, account number and meter serial must
all match, every mismatch is the same 404, no answer carries personal data or tells which zone
was refused and why, one client address has 20 submissions an hour and one account 10 a day,
from whatever addresses (docs/contract.md §2). Its first step, the meter lookup
(`POST /public/readings/meter`), answers the meter's zones and nothing else, the same 404, and
shares the address's allowance with the submissions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from lka_common.events.billing import LastReading
from lka_common.testing.http import serve_in_background
from lka_readings.bootstrap import build_app
from lka_readings.domain.periods import local_day
from lka_readings.settings import ReadingsSettings

NOT_ACCEPTED = (
    "Показания не приняты. Сверьте их со счетчиком; если они верны, "
    "передайте их в личном кабинете или обратитесь в ГУП РК «Крымэнерго»"
)


def from_address() -> dict[str, str]:
    """A client address of its own (loopback is a trusted proxy), so no other test counts with it."""
    return {"X-Forwarded-For": f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"}


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

    assert (response.status_code, response.json()["code"]) == (422, "reading_not_accepted")
    assert "8 123" not in response.text and "8123" not in response.text


def stripped(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    """What a client sees, less what differs on every call anyway."""
    headers = {k: v for k, v in response.headers.items() if k not in {"x-request-id", "date"}}
    return response.status_code, response.content, headers


async def test_the_anonymous_forms_answers_are_byte_identical_whatever_zone_and_direction_was_refused(
    api: httpx.AsyncClient, meter: Any, db: asyncpg.Pool
) -> None:
    data = await meter()  # last T1 8123, T2 3456.5; the ceiling 10 000 kWh a month
    refused = {
        "decreased T1": {"T1": 8000, "T2": 3500},
        "implausible T1": {"T1": 18124, "T2": 3500},
        "decreased T2": {"T1": 8300, "T2": 3400},
        "implausible T2": {"T1": 8300, "T2": 13457},
        "both zones, both ways": {"T1": 8000, "T2": 13457},
    }

    answers = {name: await api.post("/public/readings", json=form(data, values=v)) for name, v in refused.items()}

    first = answers["decreased T1"]
    assert first.status_code == 422
    assert first.json()["code"] == "reading_not_accepted"
    assert first.json()["detail"] == NOT_ACCEPTED
    assert first.json()["errors"] == [{"field": "values", "message": NOT_ACCEPTED}]
    for name, answer in answers.items():
        assert stripped(answer) == stripped(first), name
    for word in ("T1", "T2", "меньше", "больше", "предыдущ", "кВт"):
        assert word not in first.text
    stored = await db.fetchval("SELECT count(*) FROM readings WHERE account_number = $1", data.account_number)
    assert stored == 0


async def test_a_zone_kept_out_of_range_lets_nothing_be_learnt_about_the_other_zone(
    api: httpx.AsyncClient, meter: Any, db: asyncpg.Pool
) -> None:
    # The attack: T2 out of range so nothing is ever stored, T1 moved to find billing's last
    # reading by halves. T1 below, at and above the last reading must answer alike.
    data = await meter()

    answers = [
        await api.post("/public/readings", json=form(data, values={"T1": t1, "T2": -1}))
        for t1 in (8000, 8122, 8123, 8124, 18123, 18124, 900000)
    ]

    assert all(stripped(answer) == stripped(answers[0]) for answer in answers)
    body = answers[0].json()
    assert (body["code"], body["errors"]) == (
        "reading_out_of_range",
        [{"field": "values.T2", "message": "Показание T2 не может быть отрицательным"}],
    )
    stored = await db.fetchval("SELECT count(*) FROM readings WHERE account_number = $1", data.account_number)
    assert stored == 0


@pytest.fixture
async def limited_api(settings: ReadingsSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The API with the contract's default limits of the public form: 20 per address an hour,
    10 per account a day."""
    strict = settings.model_copy(
        update={"anonymous_readings_per_client_per_hour": 20, "anonymous_readings_per_account_per_day": 10}
    )
    async with (
        serve_in_background(build_app(strict)) as base_url,
        httpx.AsyncClient(base_url=base_url + "/api/v1") as client,
    ):
        yield client


async def test_the_twenty_first_submission_from_one_address_in_an_hour_is_refused(
    limited_api: httpx.AsyncClient, meter: Any
) -> None:
    headers = from_address()
    answers = []
    for _ in range(21):
        data = await meter()  # an account each time: only the address's allowance is spent
        response = await limited_api.post("/public/readings", json=form(data), headers=headers)
        answers.append(response.status_code)

    assert answers == [201] * 20 + [429]
    refused = response
    assert refused.json()["code"] == "too_many_requests"
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    other = await limited_api.post("/public/readings", json=form(await meter()), headers=from_address())
    assert other.status_code == 201


def seconds_to_midnight_in_crimea() -> float:
    now = datetime.now(UTC)
    return (local_day(now)[1] - now).total_seconds()


async def test_the_eleventh_anonymous_attempt_on_one_account_in_a_day_is_429_from_any_address(
    limited_api: httpx.AsyncClient, meter: Any, db: asyncpg.Pool
) -> None:
    data = await meter()
    # Wrong serials do not spend the account's allowance: anyone may know an account's number.
    for _ in range(5):
        wrong = await limited_api.post("/public/readings", json=form(data, meter_serial="X-1"), headers=from_address())
        assert wrong.status_code == 404
    # Ten that reach the meter, each from an address of its own, refused ones among them.
    tries = [{"T1": 8000, "T2": 3500}, {"T1": 8200, "T2": -1}, {"T1": 8200}, {"T1": 8300, "T2": 3500}]
    tries += [{"T1": 8300, "T2": 3500}]  # the same again: 409, counted too
    tries += [{"T1": 8300 + i, "T2": 3500} for i in range(1, 6)]
    statuses = []
    for values in tries:
        response = await limited_api.post("/public/readings", json=form(data, values=values), headers=from_address())
        statuses.append(response.status_code)
    assert statuses == [422, 422, 422, 201, 409, 201, 201, 201, 201, 201]

    eleventh = await limited_api.post(
        "/public/readings", json=form(data, values={"T1": 8400, "T2": 3600}), headers=from_address()
    )

    assert eleventh.status_code == 429, eleventh.text
    assert eleventh.json()["code"] == "too_many_requests"
    assert abs(int(eleventh.headers["Retry-After"]) - seconds_to_midnight_in_crimea()) <= 5
    stored = await db.fetchval("SELECT count(*) FROM readings WHERE account_number = $1", data.account_number)
    assert stored == 6
    another_account = await limited_api.post("/public/readings", json=form(await meter()), headers=from_address())
    assert another_account.status_code == 201


async def test_parallel_anonymous_attempts_on_one_account_are_all_counted(
    limited_api: httpx.AsyncClient, meter: Any
) -> None:
    data = await meter()
    bodies = [form(data, values={"T1": 8200 + i, "T2": 3500}) for i in range(15)]

    answers = await asyncio.gather(
        *(limited_api.post("/public/readings", json=body, headers=from_address()) for body in bodies)
    )

    assert sorted(answer.status_code for answer in answers) == [201] * 10 + [429] * 5


async def test_the_owners_signed_in_form_is_not_limited_by_the_public_one_and_keeps_its_details(
    limited_api: httpx.AsyncClient, meter: Any, link: Any, person: Any
) -> None:
    data = await meter()
    for i in range(10):
        body = form(data, values={"T1": 8200 + i, "T2": 3500})
        assert (await limited_api.post("/public/readings", json=body, headers=from_address())).status_code == 201
    assert (await limited_api.post("/public/readings", json=form(data), headers=from_address())).status_code == 429
    me = person()
    account = await link(me.user_id, data.region_code, data.account_number)
    (shown,) = (await limited_api.get(f"/accounts/{account.account_id}/meters", headers=me.headers)).json()
    url = f"/accounts/{account.account_id}/readings"

    decreased = await limited_api.post(
        url, json={"meter_id": shown["id"], "values": {"T1": 8000, "T2": 3500}}, headers=me.headers
    )
    taken = await limited_api.post(
        url, json={"meter_id": shown["id"], "values": {"T1": 8300, "T2": 3500}}, headers=me.headers
    )

    assert (decreased.status_code, decreased.json()["code"]) == (422, "reading_decreased")
    assert decreased.json()["errors"] == [{"field": "values.T1", "message": "Показание T1 меньше предыдущего (8 123)"}]
    assert taken.status_code == 201, taken.text


# ---------- the meter lookup, the form's first step (issue 18 item 8) ----------


def who(data: Any, **overrides: Any) -> dict[str, Any]:
    """The lookup's body: the form's three fields."""
    return {key: value for key, value in form(data, **overrides).items() if key != "values"}


async def test_the_lookup_answers_the_meters_zones_and_nothing_about_the_account_or_its_readings(
    api: httpx.AsyncClient, meter: Any
) -> None:
    data = await meter(
        zones=3,
        digits=7,
        serial_number="CE303-1",
        last_reading=LastReading(
            values={"T1": Decimal("23456.7"), "T2": Decimal("9876.5"), "T3": Decimal(4321)}, date=date(2026, 10, 25)
        ),
    )

    response = await api.post("/public/readings/meter", json=who(data), headers=from_address())

    assert response.status_code == 200, response.text
    titles = ["T1 пик", "T2 ночь", "T3 полупик"]
    assert response.json() == {"zones": ["T1", "T2", "T3"], "zone_titles": titles, "digits": 7}
    for secret in ("23456", "9876", "4321", data.account_number):
        assert secret not in response.text


@pytest.mark.parametrize(
    "wrong",
    [{"meter_serial": "CE102-9999"}, {"account_number": "0000000001"}, {"region_code": "kerch"}],
)
async def test_any_mismatch_of_the_lookup_is_the_submissions_own_not_found(
    api: httpx.AsyncClient, meter: Any, wrong: dict[str, str]
) -> None:
    data = await meter()

    lookup = await api.post("/public/readings/meter", json=who(data, **wrong), headers=from_address())
    submission = await api.post("/public/readings", json=form(data, **wrong), headers=from_address())
    removed = await meter(account_number=data.account_number, removed=True, serial_number="M230-0203")
    gone = await api.post("/public/readings/meter", json=who(removed), headers=from_address())

    def body(answer: httpx.Response) -> dict[str, Any]:
        return {key: value for key, value in answer.json().items() if key != "instance"}

    assert lookup.status_code == submission.status_code == gone.status_code == 404
    assert body(lookup) == body(submission) == body(gone)
    assert body(lookup)["code"] == "not_found"


async def test_lookups_and_submissions_share_one_allowance_per_address_mismatches_included(
    limited_api: httpx.AsyncClient, meter: Any
) -> None:
    headers = from_address()
    data = await meter()
    answers = []
    for n in range(20):  # a guesser's mix: wrong serials through the lookup, right ones, submissions
        if n % 4 == 3:
            response = await limited_api.post(
                "/public/readings", json=form(data, values={"T1": 8200 + n, "T2": 3500}), headers=headers
            )
        else:
            body = who(data, meter_serial=f"X-{n}") if n % 2 else who(data)
            response = await limited_api.post("/public/readings/meter", json=body, headers=headers)
        answers.append(response.status_code)

    assert answers.count(429) == 0, answers
    lookup = await limited_api.post("/public/readings/meter", json=who(data), headers=headers)
    submission = await limited_api.post("/public/readings", json=form(data), headers=headers)
    assert (lookup.status_code, submission.status_code) == (429, 429)
    assert lookup.json()["code"] == "too_many_requests"
    assert 3500 <= int(lookup.headers["Retry-After"]) <= 3600


async def test_a_lookup_spends_nothing_of_the_accounts_day_but_is_refused_once_it_is_spent(
    limited_api: httpx.AsyncClient, meter: Any, db: asyncpg.Pool
) -> None:
    data = await meter()
    for _ in range(5):
        found = await limited_api.post("/public/readings/meter", json=who(data), headers=from_address())
        assert found.status_code == 200, found.text
    counted = await db.fetchval(
        "SELECT count(*) FROM anonymous_account_attempts WHERE account_number = $1", data.account_number
    )
    assert counted == 0
    for i in range(10):
        body = form(data, values={"T1": 8200 + i, "T2": 3500})
        assert (await limited_api.post("/public/readings", json=body, headers=from_address())).status_code == 201

    refused = await limited_api.post("/public/readings/meter", json=who(data), headers=from_address())
    wrong = await limited_api.post("/public/readings/meter", json=who(data, meter_serial="X"), headers=from_address())

    assert refused.status_code == 429, refused.text
    assert abs(int(refused.headers["Retry-After"]) - seconds_to_midnight_in_crimea()) <= 5
    assert wrong.status_code == 404
