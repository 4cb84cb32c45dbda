"""What the system drills (tests/e2e/fault_drills/) do to and read from their stack: the probe
queue's record of events, subscribers with a demo account linked, readings and card payments
made as a subscriber makes them, and the supervisor's words."""

from __future__ import annotations

import json
import secrets
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

import asyncpg
import httpx

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.testing import events
from lka_common.testing.amqp import drain
from lka_common.testing.databases import plain_url
from lka_common.testing.portal import Subscriber, new_subscriber
from lka_common.testing.stack import Stack

# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=60, interval=0.3)

V1 = "/api/v1"
PROBE_QUEUE = "drills.probe"
VISA_PAID = "4111 1111 1111 1111"


async def fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(plain_url(url), timeout=10)
    try:
        rows: list[asyncpg.Record] = await conn.fetch(query, *args)
        return rows
    finally:
        await conn.close()


@dataclass
class Probe:
    """Everything that reached the probe queue, kept across drills (each filters its own)."""

    amqp_url: str
    events: list[dict[str, Any]] = field(default_factory=list)

    async def collect(self) -> None:
        for message in await drain(self.amqp_url, PROBE_QUEUE, idle_s=0.5, timeout=60):
            self.events.append(json.loads(message.body))

    def ids_by(self, event_type: str, key: str) -> dict[str, Counter[str]]:
        """Per `data[key]` (a reading or payment id): each event id and how often it came."""
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for event in self.events:
            if event["type"] == event_type:
                found[str(event["data"][key])][event["id"]] += 1
        return found


@dataclass
class Household:
    """A subscriber with a demo account linked, its meter known to readings."""

    me: Subscriber
    account_id: str
    meter_id: str
    last: dict[str, Decimal]
    submitted: int = 0

    def next_values(self) -> dict[str, float]:
        self.submitted += 1
        return {zone: float(value + self.submitted) for zone, value in self.last.items()}


async def household(http: httpx.AsyncClient, stack: Stack, region: str, number: str, letters: str) -> Household:
    me = await new_subscriber(http, stack.mail)
    body = {"region_code": region, "number": number, "surname_prefix": letters}
    linked = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
    assert linked.status_code == 201, linked.text
    account_id = str(linked.json()["account"]["id"])

    async def meter() -> dict[str, Any] | None:
        response = await http.get(f"{V1}/accounts/{account_id}/meters", headers=me.headers)
        return response.json()[0] if response.status_code == 200 and response.json() else None

    found = await eventually(meter, f"readings knows the meters of {number}")
    last = {zone: Decimal(str(value)) for zone, value in found["last_reading"]["values"].items()}
    # Start well above billing's last reading: the simulator makes each accepted one the last.
    return Household(me, account_id, found["id"], {zone: value + 100 for zone, value in last.items()})


async def submit(http: httpx.AsyncClient, home: Household) -> httpx.Response:
    body = {"meter_id": home.meter_id, "values": home.next_values()}
    return await http.post(f"{V1}/accounts/{home.account_id}/readings", json=body, headers=home.me.headers)


async def pay_once(http: httpx.AsyncClient, browser: Browser, home: Household) -> dict[str, Any]:
    """A card payment as a payer makes it: start it, the bank's pages, then its settled state."""
    headers = {**home.me.headers, "Idempotency-Key": str(uuid.uuid4())}
    amount = f"{secrets.randbelow(5000) + 10}.{secrets.randbelow(100):02d}"
    body = {"account_id": home.account_id, "amount": amount}

    async def started() -> dict[str, Any] | None:
        response = await http.post(f"{V1}/payments", json=body, headers=headers)
        if response.status_code == 404:  # the link event has not reached payments yet
            return None
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    payment = await eventually(started, "payments knows the linked account")
    await browser.pay(payment["confirmation_url"], card_form(VISA_PAID))

    async def settled() -> dict[str, Any] | None:
        response = await http.get(f"{V1}/payments/{payment['id']}", headers=home.me.headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result if result["status"] != "pending" else None

    return await eventually(settled, f"payment {payment['id']} settled")


def supervisor_said(stack: Stack, needle: str) -> list[str]:
    return [line for line in stack.supervisor_lines() if needle in line]


async def unpublished(url: str) -> int:
    rows = await fetch(url, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
    return int(rows[0]["n"])
