"""Playing billing for the demo accounts only: readings answered after the delay, portal payments
registered with our payment id and followed by the new balance, the same answer to the same
question, and no answer at all about accounts that are not the simulator's own."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from lka_billing_simulator.demo import AS_OF, DEMO_ACCOUNTS
from lka_billing_simulator.events import SUPPLIER_TIME_ZONE
from lka_common.events.payments import PaymentSucceeded
from lka_common.events.readings import ReadingSubmitted
from lka_common.tracing import trace_id_of

DELAY_S = 0.5
IVANOV = next(a for a in DEMO_ACCOUNTS if a.owner_surname == "Иванов")
KIM = next(a for a in DEMO_ACCOUNTS if a.owner_surname == "Ким")


def reading(account: Any = IVANOV, serial: str | None = None, **values: str) -> ReadingSubmitted:
    meter = account.meters[0]
    return ReadingSubmitted(
        reading_id=uuid.uuid4(),
        account_id=uuid.uuid4(),
        region_code=account.region_code,
        account_number=account.number,
        meter_serial=serial or meter.serial_number,
        values={zone: Decimal(v) for zone, v in (values or {"T1": "12600"}).items()},
        submitted_at=datetime.now(UTC),
        billing_period="2026-12",
        source="web",
    )


def payment(kopecks: int, account: Any = IVANOV, region_code: str | None = None) -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        account_id=uuid.uuid4(),
        region_code=region_code or account.region_code,
        account_number=account.number,
        amount_kopecks=kopecks,
        paid_at=datetime.now(UTC),
        card_brand="mir",
        acquirer_order_id=f"order-{uuid.uuid4().hex[:8]}",
    )


async def test_a_reading_of_a_demo_account_is_accepted_after_the_delay(simulator: Any, billing: Any) -> None:
    await simulator()
    started = time.monotonic()

    question = await billing.ask(reading(T1="12600.5"), "/lka/readings")

    verdict, meter = (h.event for h in await billing.hear(2))
    assert time.monotonic() - started >= DELAY_S
    assert verdict["type"] == "billing.reading.processed.v1"
    assert verdict["data"] == {"reading_id": question["data"]["reading_id"], "status": "accepted", "reason": None}
    assert (verdict["source"], verdict["causationid"]) == ("/billing", question["id"])
    assert verdict["correlationid"] == question["correlationid"]
    assert trace_id_of(verdict["traceparent"]) == trace_id_of(question["traceparent"])  # the trace goes on
    assert meter["type"] == "billing.meter.updated.v1"
    assert meter["data"]["last_reading"]["values"] == {"T1": 12600.5}
    # The meter as billing describes it whole: its verification date kept, counted from the reading's day.
    reading_day = datetime.fromisoformat(question["data"]["submitted_at"]).astimezone(SUPPLIER_TIME_ZONE).date()
    due = reading_day + timedelta(days=IVANOV.meters[0].verification_in_days)
    assert meter["data"]["verification_due"] == due.isoformat()


async def test_a_reading_of_a_meter_not_on_the_account_is_rejected_with_a_reason(simulator: Any, billing: Any) -> None:
    await simulator()

    await billing.ask(reading(serial="NOT-ON-ACCOUNT"), "/lka/readings")

    (verdict,) = await billing.hear(1)
    assert verdict.event["data"]["status"] == "rejected"
    assert "не числится" in verdict.event["data"]["reason"]
    assert await billing.silence(0.3) == []


async def test_a_portal_payment_is_registered_with_our_id_and_the_new_balance_follows(
    simulator: Any, billing: Any
) -> None:
    await simulator()

    question = await billing.ask(payment(50000), "/lka/payments")

    registered, balance = (h.event for h in await billing.hear(2))
    assert registered["type"] == "billing.payment.registered.v1"
    assert registered["data"]["lka_payment_id"] == question["data"]["payment_id"]
    assert registered["data"]["amount_kopecks"] == 50000
    assert balance["type"] == "billing.account.updated.v1"
    assert balance["data"]["debt_kopecks"] == IVANOV.debt_kopecks - 50000
    assert balance["data"]["last_payment"]["amount_kopecks"] == 50000
    assert datetime.fromisoformat(balance["data"]["as_of"]) > AS_OF


async def test_the_same_payment_asked_again_gets_the_same_answers(simulator: Any, billing: Any) -> None:
    await simulator()
    paid = payment(1000, KIM)
    await billing.ask(paid, "/lka/payments")
    first = [h.event for h in await billing.hear(2)]

    await billing.ask(paid, "/lka/payments")  # redelivered by the relay under a new event id

    again = [h.event for h in await billing.hear(2)]
    assert [(e["id"], e["data"]) for e in again] == [(e["id"], e["data"]) for e in first]


async def test_balances_survive_a_restart_of_the_simulator(simulator: Any, billing: Any, settings: Any) -> None:
    await simulator()
    await billing.ask(payment(10000, KIM), "/lka/payments")
    await billing.hear(2)

    await simulator(queue=settings.queue + ".after_restart")  # a second process on the same ledger
    await billing.ask(payment(2500, KIM), "/lka/payments")

    balances = [h.event for h in await billing.hear(4) if h.event["type"] == "billing.account.updated.v1"]
    assert sorted(b["data"]["debt_kopecks"] for b in balances) == [KIM.debt_kopecks - 12500] * 2


async def test_events_about_accounts_that_are_not_the_simulators_own_get_no_answer(
    simulator: Any, billing: Any
) -> None:
    await simulator()
    stranger = type(IVANOV)(**{**vars(IVANOV), "number": "00000001"})

    await billing.ask(reading(stranger), "/lka/readings")
    await billing.ask(payment(1000, stranger), "/lka/payments")
    await billing.ask(payment(1000, IVANOV, region_code="yalta"), "/lka/payments")

    assert await billing.silence(DELAY_S * 3) == []
