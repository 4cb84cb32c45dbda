"""Events from billing and from the accounts service, taken through the real broker: meters
whatever the repeats and order, links, and billing's verdict, final at the first, passed on once."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from lka_common.events.accounts import AccountLinked
from lka_common.events.billing import BillingReadingProcessed, LastReading
from lka_common.testing.workers import outbox_publisher
from lka_readings.settings import ReadingsSettings


async def handled(db: asyncpg.Pool, event_id: str, queue: str) -> bool:
    found = await db.fetchval("SELECT 1 FROM inbox WHERE message_id = $1 AND consumer = $2", event_id, queue)
    return found is not None


async def meter_row(db: asyncpg.Pool, number: str) -> asyncpg.Record | None:
    return await db.fetchrow("SELECT * FROM meters WHERE account_number = $1", number)


async def test_a_repeated_or_older_meter_event_changes_nothing(
    consumer: Any, publish: Any, meter_event: Any, db: asyncpg.Pool, eventually: Any
) -> None:
    newer = meter_event(
        last_reading=LastReading(values={"T1": Decimal(8200), "T2": Decimal(3500)}, date=date(2026, 11, 20))
    )
    event_id = await publish(newer)
    before = await eventually(lambda: meter_row(db, newer.account_number))

    again_id = await publish(newer, event_id=event_id)
    older = meter_event(account_number=newer.account_number)  # last reading of 2026-10-20
    older_id = await publish(older)
    await eventually(lambda: handled(db, older_id, "readings.meters"))

    after = await meter_row(db, newer.account_number)
    assert (after["id"], after["last_values"], after["last_date"]) == (
        before["id"],
        before["last_values"],
        before["last_date"],
    )
    assert after["last_date"] == date(2026, 11, 20)
    assert await db.fetchval("SELECT count(*) FROM meters WHERE account_number = $1", newer.account_number) == 1
    assert again_id == event_id


async def test_a_link_announced_by_accounts_lets_the_subscriber_see_the_meters(
    api: httpx.AsyncClient, consumer: Any, publish: Any, meter: Any, person: Any, eventually: Any
) -> None:
    data = await meter()
    me = person()
    account_id = uuid.uuid4()
    linked = AccountLinked(
        user_id=me.user_id,
        account_id=account_id,
        region_code=data.region_code,
        account_number=data.account_number,
        linked_via="last_payment",
    )

    await publish(linked, source="/lka/accounts")

    async def visible() -> bool:
        response = await api.get(f"/accounts/{account_id}/meters", headers=me.headers)
        return response.status_code == 200 and len(response.json()) == 1

    await eventually(visible)


async def test_billings_verdict_is_final_shown_with_its_reason_and_passed_on_once(
    api: httpx.AsyncClient,
    scene: Any,
    consumer: Any,
    publish: Any,
    outbox: Any,
    eventually: Any,
    settings: ReadingsSettings,
    db: asyncpg.Pool,
) -> None:
    url = f"/accounts/{scene.account.account_id}/readings"
    submitted = await api.post(
        url, json={"meter_id": scene.meter_id, "values": {"T1": 8500, "T2": 3900}}, headers=scene.me.headers
    )
    reading_id = submitted.json()["id"]
    async with outbox_publisher(settings) as relay:
        while await relay():  # everything the outbox holds, other tests' rows included
            pass
    (shown,) = (await api.get(url, headers=scene.me.headers)).json()
    assert shown["status"] == "sent"  # the relay published it: billing has it

    rejected = BillingReadingProcessed(reading_id=uuid.UUID(reading_id), status="rejected", reason="Счетчик не поверен")
    first_id = await publish(rejected)
    await publish(rejected, event_id=first_id)  # the same event delivered twice
    second_id = await publish(BillingReadingProcessed(reading_id=uuid.UUID(reading_id), status="accepted", reason=None))

    async def decided() -> Any:
        (reading,) = (await api.get(url, headers=scene.me.headers)).json()
        return reading if reading["status"] != "sent" else None

    reading = await eventually(decided)
    assert (reading["status"], reading["status_reason"]) == ("rejected", "Счетчик не поверен")
    await eventually(lambda: handled(db, second_id, "readings.verdicts"))
    assert await outbox("readings.reading.accepted.v1", reading_id=reading_id) == []
    (event,) = await outbox("readings.reading.rejected.v1", reading_id=reading_id)
    assert event == {
        "reading_id": reading_id,
        "account_id": str(scene.account.account_id),
        "region_code": "yalta",
        "account_number": scene.account.number,
        "reason": "Счетчик не поверен",
    }


async def test_a_rejected_reading_may_be_sent_again(api: httpx.AsyncClient, scene: Any, handlers: Any) -> None:
    from lka_readings.service_layer import verdicts

    url = f"/accounts/{scene.account.account_id}/readings"
    body = {"meter_id": scene.meter_id, "values": {"T1": 8600, "T2": 3950}}
    first = (await api.post(url, json=body, headers=scene.me.headers)).json()
    await handlers(
        verdicts.reading_processed,
        BillingReadingProcessed(reading_id=uuid.UUID(first["id"]), status="rejected", reason="Ошибка"),
    )

    again = await api.post(url, json=body, headers=scene.me.headers)

    assert again.status_code == 201
