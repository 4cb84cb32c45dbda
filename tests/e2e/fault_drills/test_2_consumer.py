"""Drill 2: the readings consumer SIGKILLed in the middle of a stream of billing verdicts: the
supervisor starts it again, and every verdict has its effect exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import aio_pika
import httpx
import pytest
from drill_support import (
    Probe,
    eventually,
    fetch,
    household,
    submit,
    supervisor_said,
    unpublished,
)

from lka_common.events.billing import BillingAccountUpdated, BillingMeterUpdated, BillingReadingProcessed, LastReading
from lka_common.events.envelope import CloudEvent
from lka_common.events.readings import ReadingAccepted
from lka_common.messaging.topology import EVENTS_EXCHANGE, dead_letter_names
from lka_common.testing.amqp import amqp_channel, queue_depth
from lka_common.testing.events import publish_event
from lka_common.testing.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.drill]

VERDICTS_QUEUE = "readings.verdicts"


async def test_2_readings_consumer_killed_mid_stream_applies_each_verdict_exactly_once(
    stack: Stack, probe: Probe, http: httpx.AsyncClient, direct_db_urls: dict[str, str]
) -> None:
    # The test plays billing for an account of its own: the simulator answers only for its demo
    # accounts, so every verdict on these readings is one the test sent, at its own pace.
    number = f"97{secrets.randbelow(10**6):06d}"
    serial = f"DRILL-{number}"
    await publish_event(
        stack.amqp_url,
        BillingAccountUpdated(
            region_code="simferopol",
            number=number,
            owner_surname="Дрилев",
            owner_initials="Д. Д.",
            address="г. Симферополь, ул. Учебная, д. 1",
            debt_kopecks=0,
            penalty_kopecks=0,
            last_payment=None,
            as_of=datetime.now(UTC),
        ),
    )
    await publish_event(
        stack.amqp_url,
        BillingMeterUpdated(
            region_code="simferopol",
            account_number=number,
            serial_number=serial,
            zones=1,
            digits=6,
            last_reading=LastReading(values={"T1": Decimal(1000)}, date=date.today()),
            removed=False,
        ),
    )

    async def registered() -> bool:
        rows = await fetch(direct_db_urls["accounts"], "SELECT 1 FROM billing_accounts WHERE number = $1", number)
        return bool(rows)

    await eventually(registered, "accounts has the account from billing")
    home = await household(http, stack, "simferopol", number, "ДРИ")
    count = 120
    readings = []
    for _ in range(count):
        response = await submit(http, home)
        assert response.status_code == 201, response.text
        readings.append(response.json()["id"])
        await asyncio.sleep(0.03)  # within the gateway's 50 calls/s for one signed-in user

    async def decided() -> int:
        rows = await fetch(
            direct_db_urls["readings"],
            "SELECT count(*) AS n FROM readings WHERE id = ANY($1::uuid[]) AND status = 'accepted'",
            readings,
        )
        return int(rows[0]["n"])

    verdict_ids: list[str] = []

    async def bill() -> None:
        async with amqp_channel(stack.amqp_url) as channel:
            exchange = await channel.get_exchange(EVENTS_EXCHANGE, ensure=False)
            for reading_id in readings:
                data = BillingReadingProcessed(reading_id=uuid.UUID(reading_id), status="accepted", reason=None)
                event_id = str(uuid.uuid4())
                envelope = CloudEvent(
                    id=event_id,
                    source="/billing",
                    type=data.event_type,
                    time=datetime.now(UTC),
                    data=data.model_dump(mode="json"),
                )
                message = aio_pika.Message(
                    envelope.to_json(),
                    message_id=event_id,
                    content_type="application/cloudevents+json",
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                )
                await exchange.publish(message, routing_key=data.event_type, mandatory=True, timeout=10)
                verdict_ids.append(event_id)  # no pause: a backlog, so the kill finds messages in flight

    consumer = "lka_readings.entrypoints.consumer"
    victim = stack.pid(consumer)
    assert victim is not None
    billing = asyncio.create_task(bill())
    try:
        deadline = time.monotonic() + 60
        while (at_kill := await decided()) < count // 4:  # a quarter applied: mid-stream
            assert time.monotonic() < deadline, f"billing's verdicts not being applied: {at_kill}"
            await asyncio.sleep(0.05)
        os.kill(victim, signal.SIGKILL)
        killed_at_decided = await decided()
        await billing
    finally:
        billing.cancel()
    print(f"readings consumer SIGKILLed with {at_kill}-{killed_at_decided} of {count} verdicts applied")
    assert killed_at_decided < count, "the kill came after the stream: nothing was in flight"

    async def restarted() -> int | None:
        pid = stack.pid(consumer)
        return pid if pid not in (None, victim) else None

    await eventually(restarted, "the supervisor started the readings consumer again")
    assert supervisor_said(stack, "процесс readings-consumer завершился с кодом -9; перезапуск")

    async def all_decided() -> bool:
        return await decided() == count

    await eventually(all_decided, "every verdict applied after the restart", timeout=120)

    # The effect of a verdict: the reading's status and one `reading.accepted` event in the
    # outbox, written in one transaction with the inbox claim. Each exactly once.
    outbox = await fetch(
        direct_db_urls["readings"],
        "SELECT body FROM outbox WHERE routing_key = $1",
        ReadingAccepted.event_type,
    )
    per_reading = Counter(json.loads(row["body"])["data"]["reading_id"] for row in outbox)
    assert {r: per_reading[r] for r in readings if per_reading[r] != 1} == {}
    inbox = await fetch(
        direct_db_urls["readings"],
        "SELECT message_id FROM inbox WHERE consumer = $1 AND message_id = ANY($2::text[])",
        VERDICTS_QUEUE,
        verdict_ids,
    )
    assert sorted(row["message_id"] for row in inbox) == sorted(verdict_ids)

    async def published() -> bool:
        return await unpublished(direct_db_urls["readings"]) == 0

    await eventually(published, "readings' outbox published")

    async def on_the_wire() -> bool:
        await probe.collect()
        return set(readings) <= set(probe.ids_by(ReadingAccepted.event_type, "reading_id"))

    await eventually(on_the_wire, "every reading.accepted event on lka.events")
    seen = probe.ids_by(ReadingAccepted.event_type, "reading_id")
    assert {r: dict(seen[r]) for r in readings if len(seen[r]) != 1} == {}
    assert await queue_depth(stack.amqp_url, VERDICTS_QUEUE) == 0
    assert await queue_depth(stack.amqp_url, dead_letter_names(VERDICTS_QUEUE)[1]) == 0
    handled = [r for r in stack.records("readings-consumer") if r.get("event") == "message_handled"]
    outcomes = Counter(r.get("outcome") for r in handled if r.get("queue") == VERDICTS_QUEUE)
    print(f"readings consumer on {VERDICTS_QUEUE}, both lives: {dict(outcomes)} (a duplicate: redelivered after")
    print("the kill with its effect already committed, absorbed by the inbox)")
