"""The debt reminder (docs/contract.md §4 "Reminders"): N days after a bill's due date, one
letter (in a `SendReminders` command) to each subscriber linked to an account that owes more than
the threshold now, and to no one else (a small debt, a debt paid since at the bank or in the portal); once per
account and bill, however often the job runs and however many runners race (the key is claimed
with the commands, service_layer/debt_reminder.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest

from lka_accounts.service_layer import bill_delivery
from lka_accounts.service_layer import billing as billing_handlers
from lka_accounts.service_layer.debt_reminder import DebtReminderRun, debt_reminder_job
from lka_accounts.settings import AccountsSettings
from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.billing import BillingBillIssued, BillLine
from lka_common.events.envelope import CloudEvent
from lka_common.events.payments import PaymentSucceeded
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import JobRunner, RunContext
from lka_common.uow import UnitOfWork

TEMPLATE = "debt_reminder"
PERIOD = "2026-11"
# The account of conftest.account_data owes its debt and penalty: 1 523,40 + 12,50.
OWED = "1 535,90"


def bill_due_today() -> date:
    """The bill's due date: today in Crimea, so the jobs' clock moves forward from now."""
    return datetime.now(LOCAL_TIME).date()


def clock_on(day: date) -> Clock:
    """The jobs' clock at noon of `day` (Europe/Simferopol)."""
    return Clock((datetime.combine(day, time(12), LOCAL_TIME) - datetime.now(UTC)).total_seconds())


@pytest.fixture
async def parts(settings: AccountsSettings) -> AsyncIterator[tuple[Any, Callable[[], UnitOfWork]]]:
    engine = make_engine(settings, pool_size=3)
    sessions = make_sessionmaker(engine)
    yield engine, lambda: UnitOfWork(sessions, settings.source)
    await engine.dispose()


@pytest.fixture
def owing(api: httpx.AsyncClient, person: Any, billing: Any, parts: Any, settings: AccountsSettings) -> Any:
    """`await owing(subscribers=1, due=…, **account)`: an account in the registry (owing 1 535,90
    unless told), linked by that many new subscribers, with a bill for PERIOD due on `due`;
    returns (number, [user ids])."""

    async def make(subscribers: int = 1, due: date | None = None, **account: Any) -> tuple[str, list[uuid.UUID]]:
        data = await billing(**account)
        users = []
        for _ in range(subscribers):
            me = person()
            body = {"region_code": "simferopol", "number": data.number, "surname_prefix": "Ива"}
            answer = await api.post("/accounts", json=body, headers=me.headers)
            assert answer.status_code == 201, answer.text
            users.append(me.user_id)
        _, uow_factory = parts
        async with uow_factory() as uow:
            bill = bill_of(data.number, due or bill_due_today())
            event = CloudEvent(id=str(uuid.uuid4()), source="/billing", type=bill.event_type)
            await bill_delivery.bill_issued(settings.payee, uow, bill, event)
            await uow.commit()
        return data.number, users

    return make


def bill_of(number: str, due: date) -> BillingBillIssued:
    line = BillLine(title="Электроэнергия", zone="T1", quantity_kwh=100, price_kopecks=649, amount_kopecks=64900)
    return BillingBillIssued(
        bill_id=f"B-{number}-{PERIOD}",
        region_code="simferopol",
        account_number=number,
        period=PERIOD,
        issued_at=datetime(2026, 12, 1, 3, tzinfo=UTC),
        opening_balance_kopecks=152340,
        lines=[line],
        payments_kopecks=64900,
        penalty_kopecks=1250,
        total_due_kopecks=153590,
        due_date=due,
    )


async def reminded(reminders: Any, *numbers: str) -> list[tuple[str, str]]:
    rows = await reminders(TEMPLATE)
    return sorted(
        (row["params"]["account_number"], row["user_id"]) for row in rows if row["params"]["account_number"] in numbers
    )


async def run_on(day: date, settings: AccountsSettings, parts: Any) -> Any:
    engine, uow_factory = parts
    record = await JobRunner(engine, clock_on(day)).run(debt_reminder_job(settings, uow_factory))
    assert record is not None and record.status == "finished", record
    return record


async def test_a_debt_above_the_threshold_is_reminded_ten_days_after_due_to_each_subscriber_once(
    settings: AccountsSettings, parts: Any, owing: Any, billing: Any, reminders: Any
) -> None:
    due = bill_due_today()
    owes, (first, second) = await owing(subscribers=2)
    small, _ = await owing(debt_kopecks=90000, penalty_kopecks=0)  # 900,00: below 1 000,00
    paid_at_bank, _ = await owing()
    await billing(number=paid_at_bank, debt_kopecks=0, penalty_kopecks=0, as_of=datetime.now(UTC))
    paid_in_portal, _ = await owing()
    await pay_in_portal(settings, paid_in_portal, 152340)  # 12,50 left while billing has not registered it
    nobodys, _ = await owing(subscribers=0)
    numbers = (owes, small, paid_at_bank, paid_in_portal, nobodys)
    # Small batches: the run pages through every linked account of this database.
    chosen = settings.model_copy(update={"reminder_batch": 2})

    record = await run_on(due + timedelta(days=10), chosen, parts)

    assert record.items >= 1 and record.batches > 1
    assert await reminded(reminders, *numbers) == sorted([(owes, str(first)), (owes, str(second))])
    (letter,) = [r for r in await reminders(TEMPLATE, user_id=first) if r["params"]["account_number"] == owes]
    assert letter["params"] == {
        "account_number": owes,
        "amount": OWED,
        "period_title": "ноябрь 2026 г.",
        "due_date": due.strftime("%d.%m.%Y"),
    }

    again = await run_on(due + timedelta(days=11), chosen, parts)

    assert again.status == "finished"
    assert await reminded(reminders, *numbers) == sorted([(owes, str(first)), (owes, str(second))])


async def test_nothing_is_sent_before_the_tenth_day_after_due(
    settings: AccountsSettings, parts: Any, owing: Any, reminders: Any
) -> None:
    due = bill_due_today()
    number, (someone,) = await owing(due=due)

    await run_on(due + timedelta(days=9), settings, parts)
    assert await reminded(reminders, number) == []

    await run_on(due + timedelta(days=10), settings, parts)
    assert await reminded(reminders, number) == [(number, str(someone))]


async def test_two_runners_at_once_remind_an_account_once(
    settings: AccountsSettings, parts: Any, owing: Any, reminders: Any
) -> None:
    day = bill_due_today() + timedelta(days=10)
    number, (someone,) = await owing()
    engine, uow_factory = parts
    job = debt_reminder_job(settings, uow_factory)

    # Through the lease: one runner runs, the other finds it held (or finds nothing left).
    await asyncio.gather(JobRunner(engine, clock_on(day)).run(job), JobRunner(engine, clock_on(day)).run(job))
    assert await reminded(reminders, number) == [(number, str(someone))]

    # And past it (a lease lost mid-batch): two runs' batches at once still send one letter.
    later, (other,) = await owing()
    work = DebtReminderRun(settings.model_copy(update={"reminder_batch": 3}), uow_factory)
    contexts = [RunContext(run_id, job.name, day, clock_on(day)) for run_id in (-1, -2)]
    await asyncio.gather(*(drain(work, context) for context in contexts))
    assert await reminded(reminders, later) == [(later, str(other))]


async def drain(work: DebtReminderRun, context: RunContext) -> None:
    while (await work.batch(context)).more:
        pass


async def pay_in_portal(settings: AccountsSettings, number: str, kopecks: int) -> None:
    """A portal payment billing has not registered yet, through the consumer's own handler."""
    engine = make_engine(settings, pool_size=1)
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        account_id=uuid.uuid4(),
        region_code="simferopol",
        account_number=number,
        amount_kopecks=kopecks,
        paid_at=datetime.now(UTC),
        card_brand="mir",
        acquirer_order_id=f"order-{number}",
    )
    try:
        async with UnitOfWork(make_sessionmaker(engine), settings.source) as uow:
            await billing_handlers.payment_succeeded(uow, paid, CloudEvent(id="-", source="/lka/payments", type="-"))
            await uow.commit()
    finally:
        await engine.dispose()
