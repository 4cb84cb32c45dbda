"""`pending_payments`: portal payments billing has not registered yet, in whichever order our
`payments.payment.succeeded.v1` and billing's `billing.payment.registered.v1` arrive."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from lka_common.events.billing import BillingPaymentRegistered
from lka_common.events.payments import PaymentSucceeded


async def linked_view(api: httpx.AsyncClient, person: Any, number: str, region_code: str = "simferopol") -> Any:
    """Link the account to a new subscriber; returns a callable reading their view of it."""
    me = person()
    body = {"region_code": region_code, "number": number, "surname_prefix": "Ива"}
    assert (await api.post("/accounts", json=body, headers=me.headers)).status_code == 201

    async def view() -> dict[str, Any]:
        (account,) = (await api.get("/accounts", headers=me.headers)).json()
        return dict(account)

    return view


async def test_a_portal_payment_is_pending_until_billing_registers_it(
    api: httpx.AsyncClient, person: Any, consumer: Any, publish: Any, billing: Any, eventually: Any
) -> None:
    await consumer()
    account = await billing()
    view = await linked_view(api, person, account.number)
    payment_id = uuid.uuid4()

    await publish(paid(payment_id, account, 50000), source="/lka/payments")
    await eventually(lambda: _pending_is(view, "500.00"))

    await publish(registered(payment_id, account, 50000))
    await eventually(lambda: _pending_is(view, "0.00"))


async def test_billings_registration_overtaking_the_portal_payment_leaves_nothing_pending(
    api: httpx.AsyncClient, person: Any, consumer: Any, publish: Any, billing: Any, db: asyncpg.Pool, eventually: Any
) -> None:
    await consumer()
    account = await billing()
    view = await linked_view(api, person, account.number)
    early, other = uuid.uuid4(), uuid.uuid4()

    await publish(registered(early, account, 12000))
    await eventually(lambda: db.fetchval("SELECT registered_at FROM portal_payments WHERE payment_id = $1", early))
    await publish(paid(early, account, 12000), source="/lka/payments")
    await publish(paid(other, account, 3000), source="/lka/payments")

    await eventually(lambda: _pending_is(view, "30.00"))


async def _pending_is(view: Any, amount: str) -> bool:
    return bool((await view())["pending_payments"] == amount)


def paid(payment_id: uuid.UUID, account: Any, kopecks: int) -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_id=payment_id,
        user_id=uuid.uuid4(),
        account_id=uuid.uuid4(),
        region_code=account.region_code,
        account_number=account.number,
        amount_kopecks=kopecks,
        paid_at=datetime.now(UTC),
        card_brand="mir",
        acquirer_order_id=f"order-{payment_id.hex[:8]}",
    )


def registered(payment_id: uuid.UUID, account: Any, kopecks: int) -> BillingPaymentRegistered:
    return BillingPaymentRegistered(
        region_code=account.region_code,
        account_number=account.number,
        billing_payment_id=f"B-{payment_id.hex[:10]}",
        amount_kopecks=kopecks,
        paid_at=datetime.now(UTC),
        channel="lka",
        lka_payment_id=payment_id,
    )
