"""Autopay: set, read and ended by its owner only (`/accounts/{id}/autopay`), and the day's run
(service_layer/autopay_run.py under lka_common.scheduler, the clock moved by its offset): it pays
min(due, cap) with the saved card once per account and month whatever runs again or races, sends
the reminder 3 days before once, pays nothing when nothing is due, resumes an attempt its runner
left unsettled without charging twice, and turns itself off after a second failure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lka_acquirer_emulator.testing import Browser, RunningEmulator, card_form
from lka_common.db import make_engine
from lka_common.events.billing import BillingAccountUpdated
from lka_common.events.envelope import CloudEvent
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import JobRunner
from lka_payments.adapters import autopays
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.service_layer import balances
from lka_payments.service_layer.autopay_run import autopay_job
from lka_payments.settings import PaymentsSettings

PAYDAY = 10
VISA = "4111 1111 1111 1111"


async def saved_card(api: Any, who: Any, browser: Browser, eventually: Any, pan: str) -> dict[str, Any]:
    """Pay once on the card page asking to save the card; the card as `GET /cards` lists it."""
    body = {"account_id": str(who.account_id), "amount": "1.00", "save_card": True}
    started = await api.post("/payments", json=body, headers={**who.headers, "Idempotency-Key": uuid.uuid4().hex})
    assert started.status_code == 201, started.text
    await browser.pay(started.json()["confirmation_url"], card_form(pan))

    async def listed() -> list[dict[str, Any]] | None:
        return (await api.get("/cards", headers=who.headers)).json() or None

    (card,) = await eventually(listed)
    return dict(card)


def clock_on(day: date) -> Clock:
    """The jobs' clock moved to noon of `day` in the supplier's time."""
    noon = datetime.combine(day, time(12), LOCAL_TIME)
    return Clock((noon - datetime.now(UTC)).total_seconds())


def next_month(day: int) -> date:
    first = (date.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.replace(day=day)


@pytest.fixture
async def engine(settings: PaymentsSettings) -> AsyncIterator[AsyncEngine]:
    made = make_engine(settings, pool_size=2)
    yield made
    await made.dispose()


@pytest.fixture
async def run_day(settings: PaymentsSettings, uow_factory: Any, engine: AsyncEngine) -> Any:
    """`await run_day(day)`: the autopay job run once as the scheduler would, on that day."""
    acquirer = RbsAcquirer(settings)

    async def run(day: date, runner: str | None = None) -> Any:
        job = autopay_job(settings, uow_factory, acquirer)
        return await JobRunner(engine, clock_on(day), lease_s=30, name=runner).run(job)

    yield run
    await acquirer.close()


async def owes(uow_factory: Any, who: Any, kopecks: int) -> None:
    """Billing says the account owes this much (billing.account.updated.v1, newest as_of)."""
    data = BillingAccountUpdated(
        region_code="simferopol",
        number=who.account_number,
        owner_surname="Иванов",
        owner_initials="И. И.",
        address="г. Симферополь",
        debt_kopecks=kopecks,
        penalty_kopecks=0,
        last_payment=None,
        as_of=datetime.now(UTC),
    )
    async with uow_factory() as uow:
        await balances.account_updated(uow, data, CloudEvent(id="-", source="/billing", type="-"))
        await uow.commit()


async def with_autopay(
    api: Any, payer: Any, browser: Browser, eventually: Any, uow_factory: Any, due: int, cap: str = "1000.00"
) -> tuple[Any, dict[str, Any]]:
    me = await payer()
    card = await saved_card(api, me, browser, eventually, VISA)
    await owes(uow_factory, me, due)
    body = {"card_id": card["id"], "day_of_month": PAYDAY, "max_amount": cap}
    response = await api.put(f"/accounts/{me.account_id}/autopay", json=body, headers=me.headers)
    assert response.status_code == 200, response.text
    return me, card


async def autopay_payments(db: Any, who: Any) -> list[Any]:
    return list(
        await db.fetch(
            "SELECT amount_kopecks, status, failure_reason FROM payments WHERE account_id = $1"
            " AND idempotency_key LIKE 'autopay:%' ORDER BY created_at",
            who.account_id,
        )
    )


async def test_setting_reading_and_ending_autopay(
    api: Any, payer: Any, browser: Browser, eventually: Any, uow_factory: Any, outbox: Any
) -> None:
    me, card = await with_autopay(api, payer, browser, eventually, uow_factory, 150000)
    url = f"/accounts/{me.account_id}/autopay"

    got = (await api.get(url, headers=me.headers)).json()

    assert (got["status"], got["day_of_month"], got["max_amount"], got["card"]["id"]) == (
        "active",
        PAYDAY,
        "1000.00",
        card["id"],
    )
    assert got["next_payment_date"][-2:] == f"{PAYDAY:02d}" and got["last_attempt"] is None
    (enabled,) = await outbox("payments.autopay.enabled.v1", account_id=str(me.account_id))
    assert (enabled["day_of_month"], enabled["max_amount_kopecks"]) == (PAYDAY, 100000)
    stranger = await payer()
    assert (await api.get(f"/accounts/{stranger.account_id}/autopay", headers=stranger.headers)).status_code == 404
    assert (await api.get(url, headers=stranger.headers)).status_code == 404
    assert (await api.delete(url, headers=stranger.headers)).status_code == 404

    assert (await api.delete(url, headers=me.headers)).status_code == 204
    assert (await api.get(url, headers=me.headers)).status_code == 404
    (disabled,) = await outbox("payments.autopay.disabled.v1", account_id=str(me.account_id))
    assert disabled["reason"] == "cancelled"


async def test_autopay_refuses_a_bad_day_amount_card_or_account(
    api: Any, payer: Any, browser: Browser, eventually: Any
) -> None:
    me = await payer()
    card = await saved_card(api, me, browser, eventually, VISA)
    other = await payer()
    others_card = await saved_card(api, other, browser, eventually, VISA)
    good = {"card_id": card["id"], "day_of_month": 5, "max_amount": "500.00"}
    url = f"/accounts/{me.account_id}/autopay"

    for body, status, code in [
        (good | {"day_of_month": 0}, 422, "validation_error"),
        (good | {"day_of_month": 29}, 422, "validation_error"),
        (good | {"max_amount": "0.00"}, 422, "validation_error"),
        (good | {"card_id": others_card["id"]}, 404, "card_not_found"),
        (good | {"card_id": str(uuid.uuid4())}, 404, "card_not_found"),
    ]:
        response = await api.put(url, json=body, headers=me.headers)
        assert (response.status_code, response.json()["code"]) == (status, code), body
        assert any("а" <= ch <= "я" for ch in response.json()["detail"].lower())
    day = await api.put(url, json=good | {"day_of_month": 29}, headers=me.headers)
    assert day.json()["errors"] == [{"field": "day_of_month", "message": "День автоплатежа — число от 1 до 28"}]
    foreign = await api.put(f"/accounts/{other.account_id}/autopay", json=good, headers=me.headers)
    assert foreign.status_code == 404
    assert (await api.delete(f"/cards/{card['id']}", headers=me.headers)).status_code == 204
    deleted = await api.put(url, json=good, headers=me.headers)
    assert (deleted.status_code, deleted.json()["code"]) == (404, "card_not_found")


async def test_the_day_pays_min_of_due_and_cap_once_and_the_reminder_goes_once(
    api: Any, payer: Any, browser: Browser, eventually: Any, uow_factory: Any, outbox: Any, db: Any, run_day: Any
) -> None:
    me, _ = await with_autopay(api, payer, browser, eventually, uow_factory, 250000, cap="1500.00")
    payday = next_month(PAYDAY)

    for _ in range(2):
        await run_day(payday - timedelta(days=3))
    (reminder,) = [
        letter
        for letter in await outbox("notifications.letter.send.v1", template="autopay_reminder")
        if letter["user_id"] == str(me.user_id)
    ]
    assert reminder["params"] == {
        "account_number": me.account_number,
        "amount": "1500.00",
        "date": payday.strftime("%d.%m.%Y"),
    }
    assert await autopay_payments(db, me) == []

    first, again = await run_day(payday), await run_day(payday)

    assert first.status == again.status == "finished"
    assert [tuple(p) for p in await autopay_payments(db, me)] == [(150000, "succeeded", None)]
    (event,) = await outbox("payments.payment.succeeded.v1", account_id=str(me.account_id), amount_kopecks=150000)
    assert event["method"] == "card"
    results = await outbox("notifications.letter.send.v1", template="autopay_result")
    assert [r["params"]["succeeded"] for r in results if r["user_id"] == str(me.user_id)] == [True]
    got = (await api.get(f"/accounts/{me.account_id}/autopay", headers=me.headers)).json()
    assert (got["last_attempt"]["status"], got["last_attempt"]["amount"]) == ("succeeded", "1500.00")


async def test_nothing_is_paid_when_nothing_is_due(
    api: Any, payer: Any, browser: Browser, eventually: Any, uow_factory: Any, db: Any, run_day: Any
) -> None:
    me, _ = await with_autopay(api, payer, browser, eventually, uow_factory, -25000)
    await run_day(next_month(PAYDAY))
    assert await autopay_payments(db, me) == []
    assert await db.fetchval("SELECT count(*) FROM autopay_charges WHERE account_id = $1", me.account_id) == 0


async def test_two_runners_racing_pay_once(
    api: Any, payer: Any, browser: Browser, eventually: Any, uow_factory: Any, db: Any, run_day: Any
) -> None:
    me, _ = await with_autopay(api, payer, browser, eventually, uow_factory, 50000)
    records = await asyncio.gather(*(run_day(next_month(PAYDAY), f"racer-{n}") for n in range(3)))

    assert sum(record is not None for record in records) >= 1
    assert [tuple(p) for p in await autopay_payments(db, me)] == [(50000, "succeeded", None)]


async def test_an_attempt_left_unsettled_is_resumed_without_charging_twice(
    api: Any,
    payer: Any,
    browser: Browser,
    eventually: Any,
    uow_factory: Any,
    db: Any,
    run_day: Any,
    settings: PaymentsSettings,
    emulator: RunningEmulator,
) -> None:
    """As if the worker died after the bank's answer and before its commit: the attempt is claimed,
    its order paid at the bank, nothing recorded here. The next run finds the order by its number."""
    me, _ = await with_autopay(api, payer, browser, eventually, uow_factory, 70000)
    acquirer = RbsAcquirer(settings)
    job = autopay_job(settings, uow_factory, acquirer)
    work: Any = job.batch.__self__  # type: ignore[attr-defined]  # the AutopayRun the job wraps
    (autopay_row,) = await db.fetch("SELECT account_id FROM autopays WHERE account_id = $1", me.account_id)
    payday = next_month(PAYDAY)
    async with uow_factory() as uow:
        autopay = await autopays.of_account(uow.session, autopay_row["account_id"])
    charge = await work._claim(autopay, payday.strftime("%Y-%m"), 1)
    await work._ask_bank(charge)  # the bank charged the card; the worker "died" before _settle
    await acquirer.close()
    order = emulator.gateway.store.by_number(charge["payment_id"].hex)
    assert order is not None and order.status == 2

    await run_day(payday)

    assert [tuple(p) for p in await autopay_payments(db, me)] == [(70000, "succeeded", None)]
    paid_orders = [o for o in emulator.gateway.store._orders.values() if o.order_number == charge["payment_id"].hex]
    assert len(paid_orders) == 1


async def test_two_failures_turn_it_off_with_a_letter_and_an_event(
    api: Any,
    payer: Any,
    browser: Browser,
    eventually: Any,
    uow_factory: Any,
    db: Any,
    run_day: Any,
    outbox: Any,
    emulator: RunningEmulator,
) -> None:
    me, _ = await with_autopay(api, payer, browser, eventually, uow_factory, 40000)
    (binding,) = emulator.gateway.bindings.of_client(str(me.user_id))
    binding.action_code = 116  # the card's money ran out
    payday = next_month(PAYDAY)

    await run_day(payday)
    await run_day(payday)  # the same day again: no second try
    await run_day(payday + timedelta(days=1))
    await run_day(payday + timedelta(days=2))  # nothing more

    assert [tuple(p) for p in await autopay_payments(db, me)] == [
        (40000, "failed", "insufficient_funds"),
        (40000, "failed", "insufficient_funds"),
    ]
    (disabled,) = await outbox("payments.autopay.disabled.v1", account_id=str(me.account_id))
    assert disabled["reason"] == "payment_failed"
    letters = [
        letter["params"]
        for letter in await outbox("notifications.letter.send.v1", template="autopay_result")
        if letter["user_id"] == str(me.user_id)
    ]
    assert [(p["succeeded"], p["turned_off"], bool(p["retry_date"])) for p in letters] == [
        (False, False, True),
        (False, True, False),
    ]
    assert letters[1]["reason"] == "Недостаточно средств на карте"
    got = (await api.get(f"/accounts/{me.account_id}/autopay", headers=me.headers)).json()
    assert (got["status"], got["disabled_reason"], got["next_payment_date"]) == ("disabled", "payment_failed", None)
    assert got["message"] == "Автоплатеж отключен: два платежа подряд не прошли"
