"""Drill 1: the broker killed and started again in the middle of a stream of readings and card
payments: every 201 reading and every succeeded payment has exactly one event id.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from drill_support import (
    Household,
    Probe,
    eventually,
    fetch,
    pay_once,
    submit,
    unpublished,
)

from lka_acquirer_emulator.testing import Browser
from lka_common.events.payments import PaymentSucceeded
from lka_common.events.readings import ReadingSubmitted
from lka_common.testing.private_servers import PrivateRabbitMQ
from lka_common.testing.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.drill]


async def test_1_broker_killed_mid_stream_every_reading_and_payment_has_exactly_one_event(
    stack: Stack,
    broker: PrivateRabbitMQ,
    probe: Probe,
    http: httpx.AsyncClient,
    households: list[Household],
    browser: Browser,
    direct_db_urls: dict[str, str],
) -> None:
    stop = asyncio.Event()
    answers: list[tuple[int, str, str]] = []  # (status, reading id or "", phase)
    payments: list[dict[str, Any]] = []
    phase = "before"

    async def readings_stream(home: Household) -> None:
        while not stop.is_set():
            response = await submit(http, home)
            reading_id = response.json().get("id", "") if response.status_code == 201 else ""
            answers.append((response.status_code, reading_id, phase))
            if response.status_code != 201:
                print(f"reading answered {response.status_code}: {response.text}")
            await asyncio.sleep(0.05)

    async def payments_stream(home: Household) -> None:
        while not stop.is_set():
            payments.append({**await pay_once(http, browser, home), "phase": phase})
            await asyncio.sleep(0.3)

    streams = [asyncio.create_task(readings_stream(h)) for h in households]
    streams += [asyncio.create_task(payments_stream(h)) for h in households[:2]]
    try:

        async def flowing() -> bool:
            return len(answers) >= 30 and len(payments) >= 2

        await eventually(flowing, "the stream got going")
        phase = "outage"
        await asyncio.to_thread(broker.kill)  # in a thread: the stream goes on meanwhile
        killed_at = len(answers)
        await asyncio.sleep(4)  # the outage itself; submissions and payments go on
        phase = "restarting"
        await asyncio.to_thread(broker.start)
        phase = "after"
        restarted_at = len(answers)

        async def after_restart() -> bool:
            return len(answers) >= restarted_at + 30 and any(p["phase"] == "after" for p in payments)

        await eventually(after_restart, "the stream went on after the restart")
    finally:
        stop.set()
        await asyncio.gather(*streams, return_exceptions=True)
    for task in streams:
        assert task.exception() is None, repr(task.exception())

    phases = Counter(p for _, _, p in answers)
    print(f"readings: {len(answers)} {dict(phases)}; killed after {killed_at}, restarted after {restarted_at}")
    print(f"payments: {Counter(p['phase'] for p in payments)}")
    assert [a for a in answers if a[0] != 201] == [], "a submission was refused while the broker was away"
    assert phases["outage"] + phases["restarting"] > 0, "no reading was submitted during the outage"
    assert [p["status"] for p in payments] == ["succeeded"] * len(payments)
    readings = {reading_id for _, reading_id, _ in answers}
    paid = {p["id"] for p in payments}

    # Every outbox row published (the relays are back), then everything the probe holds.
    for svc in ("readings", "payments"):

        async def drained(svc: str = svc) -> bool:
            return await unpublished(direct_db_urls[svc]) == 0

        await eventually(drained, f"{svc}'s outbox published after the restart", timeout=120)

    async def all_there() -> bool:
        await probe.collect()
        seen = probe.ids_by(ReadingSubmitted.event_type, "reading_id")
        paid_seen = probe.ids_by(PaymentSucceeded.event_type, "payment_id")
        return readings <= set(seen) and paid <= set(paid_seen)

    await eventually(all_there, "every event on the probe queue", timeout=60)
    await asyncio.sleep(2)
    await probe.collect()  # a late copy, if any were coming

    for event_type, key, ids in (
        (ReadingSubmitted.event_type, "reading_id", readings),
        (PaymentSucceeded.event_type, "payment_id", paid),
    ):
        seen = probe.ids_by(event_type, key)
        missing = ids - set(seen)
        doubled = {i: dict(seen[i]) for i in ids & set(seen) if len(seen[i]) != 1}
        copies = sum(sum(seen[i].values()) - 1 for i in ids & set(seen))
        print(f"{event_type}: {len(ids)} expected, wire copies beyond the first: {copies}")
        assert not missing, f"{len(missing)} of {len(ids)} {event_type} never reached lka.events"
        assert not doubled, f"{event_type} with more than one event id: {doubled}"

    # And the consumers came back with the broker: billing's verdict reaches every reading.
    async def verdicts() -> bool:
        rows = await fetch(
            direct_db_urls["readings"],
            "SELECT count(*) AS n FROM readings WHERE id = ANY($1::uuid[]) AND status = 'accepted'",
            list(readings),
        )
        return int(rows[0]["n"]) == len(readings)

    await eventually(verdicts, "billing's verdict on every reading after the restart", timeout=120)
