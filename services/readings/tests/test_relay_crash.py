"""`readings.reading.submitted.v1` reaches the broker once per reading, with one event id per
reading, even when the real relay process is SIGKILLed after the broker confirmed a batch
and before it marked it (issue "Readings", must hold 2)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from typing import Any

import asyncpg
import httpx
import pytest

from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.amqp import declare_test_queue, drain
from lka_common.testing.processes import ServiceProcess
from lka_readings.settings import ReadingsSettings

SUBMITTED = "readings.reading.submitted.v1"
UNPUBLISHED = "SELECT count(*) FROM outbox WHERE routing_key = $1 AND published_at IS NULL"


def relay_process(settings: ReadingsSettings, **extra: str) -> ServiceProcess:
    env = {
        "LKA_READINGS_DATABASE_URL": settings.database_url,
        "LKA_READINGS_AMQP_URL": settings.amqp_url,
        "LKA_READINGS_RELAY_HEALTH_PORT": "0",
        "LKA_ENVIRONMENT": "test",
        **extra,
    }
    return ServiceProcess.module("readings-relay", "lka_readings.entrypoints.relay", env)


@pytest.mark.slow
async def test_submitted_events_reach_the_broker_once_per_reading_when_the_relay_dies_mid_publish(
    api: httpx.AsyncClient, scene: Any, db: asyncpg.Pool, settings: ReadingsSettings
) -> None:
    queue = f"test.readings.{uuid.uuid4().hex[:8]}"
    await declare_test_queue(settings.amqp_url, queue, [(EVENTS_EXCHANGE, SUBMITTED)])
    path = f"/accounts/{scene.account.account_id}/readings"
    reading_ids = []
    for step in range(1, 6):
        values = {"T1": 8123 + step * 10, "T2": 3457 + step * 10}
        response = await api.post(path, json={"meter_id": scene.meter_id, "values": values}, headers=scene.me.headers)
        assert response.status_code == 201, response.text
        reading_ids.append(response.json()["id"])

    # Its one batch takes every row the suite's other tests left unpublished (a reminder run's
    # letters among them), so these five are surely in the batch the crash leaves unmarked.
    crashing = relay_process(
        settings, LKA_FAULT_PAUSE="relay.after_publish:60", LKA_READINGS_RELAY_BATCH_SIZE="10000"
    ).start()
    try:
        await crashing.wait_for_event("fault_pause", point="relay.after_publish")
        crashing.kill()  # confirmed by the broker, not yet marked in the outbox
    finally:
        crashing.cleanup()
    unmarked = await db.fetchval(UNPUBLISHED, SUBMITTED)
    assert unmarked >= 5

    healthy = relay_process(settings).start()
    try:
        for _ in range(200):
            left = await db.fetchval(UNPUBLISHED, SUBMITTED)
            if left == 0:
                break
            await asyncio.sleep(0.1)
        assert left == 0
    finally:
        healthy.cleanup()

    received = [
        m for m in await drain(settings.amqp_url, queue) if json.loads(m.body)["data"]["reading_id"] in reading_ids
    ]
    per_reading = {reading_id: set() for reading_id in reading_ids}
    for message in received:
        per_reading[json.loads(message.body)["data"]["reading_id"]].add(message.message_id)
    # Each reading has exactly one event id (consumers' inboxes drop the second copy on the wire).
    assert all(len(ids) == 1 for ids in per_reading.values()), per_reading
    assert Counter(m.message_id for m in received).most_common(1)[0][1] == 2  # the crash did resend
