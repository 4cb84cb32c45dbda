"""Refunds end to end (issue 22, "must hold" 1): the whole stack as `make run` starts it, staff
signed in with their second factor. A refund under the threshold goes to the emulated bank at
once, reaches billing (the event on `lka.events`, and the billing simulator's new balance of the
account) and the subscriber (the letter, and `refunded_amount` on their payment); one above it
waits for a second person: the requester's own approval is refused (`same_actor`), another
supervisor's goes through; past what was paid is 422 with a Russian detail; the same key twice
is the same refund."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
from operator_support import make_operator
from payments_support import DEMO_ACCOUNTS, V1, eventually, payer, start_payment

from lka_acquirer_emulator.testing import Browser, card_form
from lka_billing_simulator.events import event_id
from lka_common.events.billing import BillingAccountUpdated
from lka_common.events.payments import PaymentRefunded
from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.amqp import declare_test_queue, drain
from lka_common.testing.portal import STAFF_PASSWORD, letter, new_address
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

PROBE = "e2e.refunds.probe"
REFUND_LETTER = "Возврат платежа"


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


async def refund(
    http: httpx.AsyncClient, staff: dict[str, str], payment_id: str, amount: str, key: str | None = None
) -> httpx.Response:
    headers = {**staff, "Idempotency-Key": key or str(uuid.uuid4())}
    body = {"amount": amount, "reason": "Двойная оплата по ошибке"}
    return await http.post(f"{V1}/operator/payments/{payment_id}/refunds", json=body, headers=headers)


async def test_refunds_reach_the_bank_billing_and_the_subscriber_with_four_eyes_above_the_threshold(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    keys = [(EVENTS_EXCHANGE, PaymentRefunded.event_type), (EVENTS_EXCHANGE, BillingAccountUpdated.event_type)]
    await declare_test_queue(stack.amqp_url, PROBE, keys)
    me, account_id = await payer(http, stack)
    started = await start_payment(http, me, account_id, "12500.00")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        await Browser(session).pay(started["confirmation_url"], card_form("4111 1111 1111 1111"))

    async def paid() -> dict[str, Any] | None:
        body: dict[str, Any] = (await http.get(f"{V1}/payments/{started['id']}", headers=me.headers)).json()
        return body if body["status"] == "succeeded" else None

    payment = await eventually(paid, "the payment succeeded")
    env = stack_env[0]
    operator = await (await make_operator(env, new_address(), STAFF_PASSWORD)).sign_in(http)
    first_supervisor = await (await make_operator(env, new_address(), STAFF_PASSWORD, "supervisor")).sign_in(http)
    second_supervisor = await (await make_operator(env, new_address(), STAFF_PASSWORD, "supervisor")).sign_in(http)

    # Under the threshold: at once, at the bank; the same key again is the same refund.
    key = str(uuid.uuid4())
    small = await refund(http, operator, payment["id"], "500.00", key)
    assert (small.status_code, small.json()["status"]) == (201, "succeeded"), small.text
    replay = await refund(http, operator, payment["id"], "500.00", key)
    assert (replay.status_code, replay.json()["id"]) == (201, small.json()["id"])
    mine = (await http.get(f"{V1}/payments/{payment['id']}", headers=me.headers)).json()
    assert (mine["status"], mine["refunded_amount"]) == ("succeeded", "500.00")
    refunded_letter = await letter(http, stack.mail, me.email, REFUND_LETTER)
    assert "500.00" in refunded_letter["text"] and payment["account_number"] in refunded_letter["text"]

    # Billing: our event on lka.events, and the simulator's balance booked with the refund.
    refund_id = small.json()["id"]
    seen: list[dict[str, Any]] = []
    region = next(r for r, n, _ in DEMO_ACCOUNTS if n == mine["account_number"])
    booked_id = event_id(BillingAccountUpdated.event_type, f"{region}/{mine['account_number']}:refund:{refund_id}")

    async def reached_billing() -> bool:
        seen.extend(json.loads(m.body) for m in await drain(stack.amqp_url, PROBE, idle_s=0.5))
        ours = [e for e in seen if e["type"] == PaymentRefunded.event_type and e["data"]["refund_id"] == refund_id]
        return bool(ours) and any(e["id"] == booked_id for e in seen)

    await eventually(reached_billing, "the refund's event and billing's booking")
    (event,) = [e for e in seen if e["type"] == PaymentRefunded.event_type and e["data"]["refund_id"] == refund_id]
    assert (event["data"]["amount_kopecks"], event["data"]["payment_id"]) == (50000, payment["id"])

    # Above the threshold: a second person decides.
    big = await refund(http, first_supervisor, payment["id"], "11000.00")
    assert (big.status_code, big.json()["status"]) == (201, "awaiting_approval"), big.text
    big_id = big.json()["id"]
    own = await http.post(f"{V1}/operator/refunds/{big_id}/approve", headers=first_supervisor)
    assert (own.status_code, own.json()["code"]) == (403, "same_actor"), own.text
    by_operator = await http.post(f"{V1}/operator/refunds/{big_id}/approve", headers=operator)
    assert by_operator.status_code == 403
    approved = await http.post(f"{V1}/operator/refunds/{big_id}/approve", headers=second_supervisor)
    assert (approved.status_code, approved.json()["status"]) == (200, "succeeded"), approved.text

    # Past what was paid: 12500 - 500 - 11000 = 1000 left.
    over = await refund(http, operator, payment["id"], "1000.01")
    assert (over.status_code, over.json()["code"]) == (422, "refund_above_paid"), over.text
    assert "1000.00 руб." in over.json()["detail"]

    story = (await http.get(f"{V1}/operator/payments/{payment['id']}", headers=operator)).json()
    assert story["payment"]["refunded_amount"] == "11500.00"
    assert [(r["amount"], r["status"]) for r in story["refunds"]] == [
        ("500.00", "succeeded"),
        ("11000.00", "succeeded"),
    ]
    found = (
        await http.get(f"{V1}/operator/payments", params={"account_number": mine["account_number"]}, headers=operator)
    ).json()
    assert payment["id"] in [p["id"] for p in found]
