"""The estimate through the API: billing's tariff and the account's tariff taken by the consumer's
handlers, the 201 and the history carrying it, an older account state not taking the tariff
back, and nothing for the public form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from lka_common.events.billing import BillingAccountUpdated, BillingTariffUpdated
from lka_readings.service_layer import projections


def tariff(tariff_id: str, **prices: int) -> BillingTariffUpdated:
    return BillingTariffUpdated(
        tariff_id=tariff_id,
        region_code=None,
        zones=len(prices),  # type: ignore[arg-type]
        prices_kopecks=prices,  # type: ignore[arg-type]
        valid_from=date(2020, 1, 1),
        valid_to=None,
    )


def account_state(region_code: str, number: str, tariff_id: str | None, as_of: datetime) -> BillingAccountUpdated:
    return BillingAccountUpdated(
        region_code=region_code,
        number=number,
        owner_surname="Ёлкина",
        owner_initials="А. П.",
        address="г. Ялта",
        debt_kopecks=0,
        penalty_kopecks=0,
        last_payment=None,
        as_of=as_of,
        tariff_id=tariff_id,
    )


async def test_a_reading_is_estimated_at_the_accounts_tariff_and_the_history_keeps_it(
    api: httpx.AsyncClient, scene: Any, handlers: Any
) -> None:
    now = datetime.now(UTC)
    tariff_id = f"T-{scene.account.number}"
    await handlers(projections.tariff_updated, tariff(tariff_id, T1=649, T2=325))
    await handlers(projections.account_updated, account_state("yalta", scene.account.number, tariff_id, now))
    # An older state naming no tariff arrives late: the newer one stands.
    older = account_state("yalta", scene.account.number, None, now - timedelta(days=1))
    await handlers(projections.account_updated, older)
    url = f"/accounts/{scene.account.account_id}/readings"

    answer = await api.post(
        url, json={"meter_id": scene.meter_id, "values": {"T1": 8250, "T2": 3501.5}}, headers=scene.me.headers
    )

    assert answer.status_code == 201, answer.text
    period = answer.json()["billing_period"]
    # 127 kWh × 6.49 + 45 kWh × 3.25
    expected = {"amount": "970.48", "period": period, "tariff_id": tariff_id}
    assert answer.json()["estimate"] == expected
    (shown,) = (await api.get(url, headers=scene.me.headers)).json()
    assert shown["estimate"] == expected


async def test_without_a_tariff_the_estimate_is_null(api: httpx.AsyncClient, scene: Any) -> None:
    url = f"/accounts/{scene.account.account_id}/readings"

    answer = await api.post(
        url, json={"meter_id": scene.meter_id, "values": {"T1": 8250, "T2": 3501.5}}, headers=scene.me.headers
    )

    assert (answer.status_code, answer.json()["estimate"]) == (201, None)


async def test_the_public_form_says_nothing_of_an_estimate(api: httpx.AsyncClient, meter: Any, handlers: Any) -> None:
    data = await meter()
    await handlers(projections.tariff_updated, tariff("T-PUBLIC", T1=649, T2=325))
    await handlers(
        projections.account_updated, account_state("yalta", data.account_number, "T-PUBLIC", datetime.now(UTC))
    )
    form = {"region_code": "yalta", "account_number": data.account_number, "meter_serial": data.serial_number}

    answer = await api.post("/public/readings", json={**form, "values": {"T1": 8250, "T2": 3501.5}})

    assert answer.status_code == 201, answer.text
    assert set(answer.json()) == {"id", "status", "billing_period", "message"}
