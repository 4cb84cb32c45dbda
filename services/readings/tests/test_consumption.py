"""Monthly consumption (`GET /accounts/{id}/consumption`): per meter and zone from the readings
of consecutive periods, newest first, twelve months at most; rejected readings do not count."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx


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
        {"period": "2027-01", "meter_id": scene.meter_id, "zones": {"T1": 100, "T2": 49.5}},
        {"period": "2026-12", "meter_id": scene.meter_id, "zones": {"T1": 67, "T2": 50.5}},
        {"period": "2026-11", "meter_id": scene.meter_id, "zones": {"T1": 210, "T2": 43.5}},
    ]


async def test_twelve_months_at_most_are_shown(api: httpx.AsyncClient, scene: Any, db: asyncpg.Pool) -> None:
    for index in range(14):
        year, month = 2027 + index // 12, index % 12 + 1
        await a_reading(db, scene, f"{year}-{month:02d}", {"T1": str(8200 + 100 * index), "T2": "3500"})

    shown = (await api.get(f"/accounts/{scene.account.account_id}/consumption", headers=scene.me.headers)).json()

    assert [item["period"] for item in shown] == ["2028-02", "2028-01"] + [f"2027-{m:02d}" for m in range(12, 2, -1)]
