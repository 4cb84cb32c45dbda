"""What the payments end-to-end tests share: a subscriber with a billing demo account linked,
amounts that tell payments apart, and polling with a deadline fit for a whole stack."""

from __future__ import annotations

import secrets
import uuid
from functools import partial
from typing import Any

import httpx

from lka_common.testing import events
from lka_common.testing.portal import Subscriber, new_subscriber
from lka_common.testing.stack import Stack

V1 = "/api/v1"
# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=30, interval=0.3)
# Demo accounts of the billing simulator (tools/billing_simulator/README.md), shared by tests.
DEMO_ACCOUNTS = [("simferopol", "91000101", "ИВА"), ("yalta", "91000202", "ЁЛК")]


def random_amount() -> str:
    kopecks = secrets.randbelow(200_000) + 100
    return f"{kopecks // 100}.{kopecks % 100:02d}"


async def payer(http: httpx.AsyncClient, stack: Stack) -> tuple[Subscriber, str]:
    """A new subscriber with a demo account linked: (the subscriber, the account's id)."""
    me = await new_subscriber(http, stack.mail)
    region, number, letters = DEMO_ACCOUNTS[secrets.randbelow(len(DEMO_ACCOUNTS))]
    body = {"region_code": region, "number": number, "surname_prefix": letters}
    linked = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
    assert linked.status_code == 201, linked.text
    return me, str(linked.json()["account"]["id"])


async def start_payment(
    http: httpx.AsyncClient, me: Subscriber, account_id: str, amount: str, **way: Any
) -> dict[str, Any]:
    """`POST /payments` (`way`: method, save_card, card_id), retried with the same key until
    payments has heard of the link; the 201 body. Pending, unless a saved card paid at once."""
    headers = {**me.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"account_id": account_id, "amount": amount, **way}

    async def probe() -> dict[str, Any] | None:
        response = await http.post(f"{V1}/payments", json=body, headers=headers)
        if response.status_code == 404 and response.json()["code"] == "not_found":
            return None  # the link event has not reached payments yet
        assert response.status_code == 201, response.text
        started: dict[str, Any] = response.json()
        return started

    started = await eventually(probe, "payments knows the linked account")
    assert started["amount"] == amount
    assert "card_id" in way or started["status"] == "pending", started
    return started
