"""Monthly consumption (`GET /accounts/{id}/consumption`): per meter and zone from the accepted
readings of consecutive periods (billing's own and ours), newest first, twelve months at most;
rejected readings do not count; the newest reading awaiting billing's verdict counts as
`pending`, and billing accepting it and sending it back as the meter's last one keeps the month."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from lka_common.events.billing import BillingReadingProcessed, LastReading
from lka_readings.domain.periods import billing_period, local_date
from lka_readings.service_layer import projections, verdicts


async def a_reading(
    db: asyncpg.Pool, scene: Any, period: str, values: dict[str, str], status: str = "accepted"
) -> None:
    """A reading of an earlier month, as the months of submissions would have left it."""
    year, month = (int(part) for part in period.split("-"))
    submitted_at = datetime(year, month, 20, 9, 0, tzinfo=UTC)
    key = ";".join(f"{zone}={float(value):.2f}" for zone, value in sorted(values.items()))
    await db.execute(
        """
        INSERT INTO readings (id, meter_id, account_id, region_code, account_number, meter_serial, reading_values,
                              values_key, submitted_at, billing_period, source, status, event_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'web', $11, $12)
        """,
        uuid.uuid4(),
        uuid.UUID(scene.meter_id),
        scene.account.account_id,
        scene.account.region_code,
        scene.account.number,
        "M230-0202",
        json.dumps(values),
        key,
        submitted_at - timedelta(days=0),
        period,
        status,
        uuid.uuid4(),
    )


async def test_consumption_is_the_difference_of_consecutive_months_newest_first(
    api: httpx.AsyncClient, scene: Any, db: asyncpg.Pool
) -> None:
    # Billing's last reading (2026-10-20: T1 8123, T2 3456.5) is older than all of these.
    await a_reading(db, scene, "2027-01", {"T1": "8500", "T2": "3600"})
    await a_reading(db, scene, "2026-11", {"T1": "8333", "T2": "3500"})
    await a_reading(db, scene, "2026-12", {"T1": "8999", "T2": "9999"}, status="rejected")
    await a_reading(db, scene, "2026-12", {"T1": "8400", "T2": "3550.5"})

    response = await api.get(f"/accounts/{scene.account.account_id}/consumption", headers=scene.me.headers)

    assert response.status_code == 200
    assert response.json() == [
        {"period": "2027-01", "meter_id": scene.meter_id, "zones": {"T1": 100, "T2": 49.5}, "status": "accepted"},
        {"period": "2026-12", "meter_id": scene.meter_id, "zones": {"T1": 67, "T2": 50.5}, "status": "accepted"},
        {"period": "2026-11", "meter_id": scene.meter_id, "zones": {"T1": 210, "T2": 43.5}, "status": "accepted"},
    ]


async def test_twelve_months_at_most_are_shown(api: httpx.AsyncClient, scene: Any, db: asyncpg.Pool) -> None:
    for index in range(14):
        year, month = 2027 + index // 12, index % 12 + 1
        await a_reading(db, scene, f"{year}-{month:02d}", {"T1": str(8200 + 100 * index), "T2": "3500"})

    shown = (await api.get(f"/accounts/{scene.account.account_id}/consumption", headers=scene.me.headers)).json()

    assert [item["period"] for item in shown] == ["2028-02", "2028-01"] + [f"2027-{m:02d}" for m in range(12, 2, -1)]


async def consumption(api: httpx.AsyncClient, scene: Any) -> list[dict[str, Any]]:
    response = await api.get(f"/accounts/{scene.account.account_id}/consumption", headers=scene.me.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def submit(api: httpx.AsyncClient, scene: Any, values: dict[str, float]) -> str:
    url = f"/accounts/{scene.account.account_id}/readings"
    response = await api.post(url, json={"meter_id": scene.meter_id, "values": values}, headers=scene.me.headers)
    assert response.status_code == 201, response.text
    reading_id: str = response.json()["id"]
    return reading_id


async def test_the_month_stays_when_billing_accepts_the_reading_and_sends_it_back(
    api: httpx.AsyncClient, scene: Any, handlers: Any
) -> None:
    # Issue 18 item 4: billing's answer made the submitted reading the meter's last one, the
    # only baseline there was, and the month vanished from the chart.
    now = datetime.now(UTC)
    month = billing_period(now, 25)
    reading_id = await submit(api, scene, {"T1": 8260, "T2": 3499})
    used = {"T1": 137, "T2": 42.5}
    row = {"period": month, "meter_id": scene.meter_id, "zones": used}

    assert await consumption(api, scene) == [{**row, "status": "pending"}]

    accepted = BillingReadingProcessed(reading_id=uuid.UUID(reading_id), status="accepted", reason=None)
    await handlers(verdicts.reading_processed, accepted)
    assert await consumption(api, scene) == [{**row, "status": "accepted"}]

    sent_back = LastReading(values={"T1": Decimal(8260), "T2": Decimal(3499)}, date=local_date(now))
    await handlers(projections.meter_updated, scene.data.model_copy(update={"last_reading": sent_back}))
    assert await consumption(api, scene) == [{**row, "status": "accepted"}]
    (meter,) = (await api.get(f"/accounts/{scene.account.account_id}/meters", headers=scene.me.headers)).json()
    assert meter["last_reading"]["values"] == {"T1": 8260, "T2": 3499}


async def test_a_rejected_reading_leaves_the_month_to_what_billing_accepted(
    api: httpx.AsyncClient, scene: Any, handlers: Any, db: asyncpg.Pool
) -> None:
    await a_reading(db, scene, "2026-11", {"T1": "8200", "T2": "3500"})
    reading_id = await submit(api, scene, {"T1": 8300, "T2": 3550})
    assert [item["status"] for item in await consumption(api, scene)] == ["pending", "accepted"]

    rejected = BillingReadingProcessed(reading_id=uuid.UUID(reading_id), status="rejected", reason="Неверно")
    await handlers(verdicts.reading_processed, rejected)

    assert await consumption(api, scene) == [
        {"period": "2026-11", "meter_id": scene.meter_id, "zones": {"T1": 77, "T2": 43.5}, "status": "accepted"}
    ]


async def test_billings_own_readings_are_kept_as_a_history_whatever_order_they_come_in(
    api: httpx.AsyncClient, scene: Any, handlers: Any, db: asyncpg.Pool
) -> None:
    # Billing's readings of November and December (from its other channels), December first;
    # October's (8123, 3456.5 on 2026-10-20) came with the meter.
    def last(day: date, t1: str, t2: str) -> Any:
        reading = LastReading(values={"T1": Decimal(t1), "T2": Decimal(t2)}, date=day)
        return scene.data.model_copy(update={"last_reading": reading})

    await handlers(projections.meter_updated, last(date(2026, 12, 20), "8400", "3560"))
    await handlers(projections.meter_updated, last(date(2026, 11, 20), "8300", "3500"))
    await handlers(projections.meter_updated, last(date(2026, 11, 20), "8300", "3500"))  # said again

    assert await consumption(api, scene) == [
        {"period": "2026-12", "meter_id": scene.meter_id, "zones": {"T1": 100, "T2": 60}, "status": "accepted"},
        {"period": "2026-11", "meter_id": scene.meter_id, "zones": {"T1": 177, "T2": 43.5}, "status": "accepted"},
    ]
    stored = await db.fetch(
        "SELECT taken_on FROM billing_readings WHERE meter_id = $1 ORDER BY taken_on", uuid.UUID(scene.meter_id)
    )
    assert [row["taken_on"] for row in stored] == [date(2026, 10, 20), date(2026, 11, 20), date(2026, 12, 20)]
    (meter,) = (await api.get(f"/accounts/{scene.account.account_id}/meters", headers=scene.me.headers)).json()
    assert meter["last_reading"]["date"] == "2026-12-20"  # the meter itself never goes back
