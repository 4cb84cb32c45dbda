"""What the readings service counts (docs/operations.md, "Metrics"): readings by channel once
stored, billing's verdicts once recorded; a submission that rolled back, or a verdict after
the first, counts nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.billing import BillingReadingProcessed
from lka_common.events.envelope import CloudEvent
from lka_common.testing.metrics import Delta
from lka_common.uow import UnitOfWork
from lka_readings.service_layer import verdicts
from lka_readings.settings import ReadingsSettings


async def test_a_signed_in_submission_counts_once_and_its_duplicate_not_at_all(
    api: httpx.AsyncClient, scene: Any
) -> None:
    web = Delta("lka_readings_submitted_total", channel="web")
    url = f"/accounts/{scene.account.account_id}/readings"
    body = {"meter_id": scene.meter_id, "values": {"T1": 8400, "T2": 3700}}

    assert (await api.post(url, json=body, headers=scene.me.headers)).status_code == 201
    assert (await api.post(url, json=body, headers=scene.me.headers)).status_code == 409  # rolled back

    assert web() == 1


async def test_a_public_form_submission_counts_as_anonymous(api: httpx.AsyncClient, meter: Any) -> None:
    data = await meter()
    anonymous = Delta("lka_readings_submitted_total", channel="anonymous")
    body = {
        "region_code": data.region_code,
        "account_number": data.account_number,
        "meter_serial": data.serial_number,
        "values": {"T1": 8300, "T2": 3600},
    }

    response = await api.post("/public/readings", json=body, headers={"X-Forwarded-For": "198.51.100.77"})

    assert response.status_code == 201, response.text
    assert anonymous() == 1


async def test_only_billings_first_committed_verdict_counts(
    api: httpx.AsyncClient, scene: Any, handlers: Any, settings: ReadingsSettings
) -> None:
    url = f"/accounts/{scene.account.account_id}/readings"
    body = {"meter_id": scene.meter_id, "values": {"T1": 8700, "T2": 4000}}
    reading_id = uuid.UUID((await api.post(url, json=body, headers=scene.me.headers)).json()["id"])
    rejected = Delta("lka_readings_verdicts_total", verdict="rejected")
    accepted = Delta("lka_readings_verdicts_total", verdict="accepted")
    verdict = BillingReadingProcessed(reading_id=reading_id, status="rejected", reason="Счетчик не поверен")

    engine = make_engine(settings, pool_size=1)
    try:
        async with UnitOfWork(make_sessionmaker(engine), settings.source) as uow:  # handled, never committed
            event = CloudEvent(id=str(uuid.uuid4()), source="/test", type=verdict.event_type)
            await verdicts.reading_processed(uow, verdict, event)
    finally:
        await engine.dispose()
    assert rejected() == 0

    await handlers(verdicts.reading_processed, verdict)
    await handlers(verdicts.reading_processed, verdict)
    await handlers(
        verdicts.reading_processed, BillingReadingProcessed(reading_id=reading_id, status="accepted", reason=None)
    )

    assert (rejected(), accepted()) == (1, 0)
