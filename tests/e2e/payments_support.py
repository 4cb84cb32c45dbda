"""What the payments end-to-end tests share: a subscriber with a billing demo account linked,
amounts that tell payments apart, polling with a deadline fit for a whole stack, and a card
saved on the bank's page as a payer saves one."""

from __future__ import annotations

import secrets
import uuid
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt

from lka_acquirer_emulator.testing import Browser, card_form
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


def user_id_of(me: Subscriber) -> str:
    """The subscriber's id, the bank's `clientId` of their cards (the token's subject)."""
    token = me.headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


async def settled(http: httpx.AsyncClient, me: Subscriber, payment_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        response = await http.get(f"{V1}/payments/{payment_id}", headers=me.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if body["status"] != "pending" else None

    return await eventually(done, f"payment {payment_id} settled")


async def save_card(
    http: httpx.AsyncClient, browser: Browser, me: Subscriber, account_id: str, pan: str, *steps: dict[str, str]
) -> dict[str, Any]:
    """Pay on the bank's card page asking to keep the card; the card as `GET /cards` lists it."""
    started = await start_payment(http, me, account_id, random_amount(), save_card=True)
    visit = await browser.pay(started["confirmation_url"], card_form(pan), *steps)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result"
    assert (await settled(http, me, started["id"]))["status"] == "succeeded"
    digits = pan.replace(" ", "")
    cards = (await http.get(f"{V1}/cards", headers=me.headers)).json()
    (card,) = [c for c in cards if c["pan_masked"] == f"{digits[:6]}******{digits[-4:]}"]
    return dict(card)
