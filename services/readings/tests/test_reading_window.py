"""The reading-window reminder (docs/contract.md §4 "Reminders"): days before the closing day, one
`SendReminder` to each subscriber linked to an account with a meter and no reading this period,
and to no one else; once per account and period, however often it runs and however many
runners race (the key is claimed with the commands, service_layer/reading_window.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.billing import LastReading
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import JobRunner, RunContext
from lka_common.uow import UnitOfWork
from lka_readings.domain.periods import period_of_day
from lka_readings.domain.reminders import reminder_due, window_of
from lka_readings.service_layer.reading_window import ReadingWindowRun, reading_window_job
from lka_readings.settings import ReadingsSettings

REMINDER = "notifications.reminder.send.v1"


def test_the_reminder_is_due_from_n_days_before_the_closing_day_to_that_day() -> None:
    assert reminder_due(date(2026, 11, 21), 25, 3) is None
    assert reminder_due(date(2026, 11, 22), 25, 3) == window_of("2026-11", 25)
    assert reminder_due(date(2026, 11, 25), 25, 3) == window_of("2026-11", 25)
    assert reminder_due(date(2026, 11, 26), 25, 3) is None  # the next period's, far from closing
    february = window_of("2027-02", 30)  # a closing day past the month's end is its last day
    assert (february.first_day, february.closing) == (date(2027, 1, 31), date(2027, 2, 28))


def reminder_day(closing_day: int) -> tuple[Clock, str]:
    """A clock on the day before the closing day of today's period (readings submitted now count for it)."""
    today = datetime.now(LOCAL_TIME).date()
    window = window_of(period_of_day(today, closing_day), closing_day)
    target = datetime.combine(window.closing - timedelta(days=1), time(12), LOCAL_TIME)
    return Clock((target - datetime.now(UTC)).total_seconds()), window.period


@pytest.fixture
async def job_parts(settings: ReadingsSettings) -> AsyncIterator[tuple[Any, Callable[[], UnitOfWork]]]:
    engine = make_engine(settings, pool_size=3)
    sessions = make_sessionmaker(engine)
    yield engine, lambda: UnitOfWork(sessions, settings.source)
    await engine.dispose()


async def reminded(outbox: Any, *numbers: str) -> list[tuple[str, str]]:
    rows = await outbox(REMINDER, template="reading_window_reminder")
    return sorted(
        (row["params"]["account_number"], row["user_id"]) for row in rows if row["params"]["account_number"] in numbers
    )


async def test_a_run_writes_to_the_subscribers_of_accounts_without_a_reading_and_to_no_one_else(
    api: httpx.AsyncClient,
    settings: ReadingsSettings,
    job_parts: Any,
    meter: Callable[..., Awaitable[Any]],
    link: Any,
    person: Any,
    outbox: Any,
) -> None:
    clock, period = reminder_day(settings.closing_day)
    first, second, submitter, billed = person(), person(), person(), person()
    quiet = await meter()  # no reading this period: both its subscribers are reminded
    await link(first.user_id, quiet.region_code, quiet.account_number)
    await link(second.user_id, quiet.region_code, quiet.account_number)
    sent = await meter()  # a reading submitted this period
    sent_account = await link(submitter.user_id, sent.region_code, sent.account_number)
    (shown,) = (await api.get(f"/accounts/{sent_account.account_id}/meters", headers=submitter.headers)).json()
    body = {"meter_id": shown["id"], "values": {"T1": 8200, "T2": 3500}}
    posted = await api.post(f"/accounts/{sent_account.account_id}/readings", json=body, headers=submitter.headers)
    assert posted.status_code == 201, posted.text
    day_in_period = clock.today() - timedelta(days=1)
    reading = LastReading(values={"T1": Decimal(8300), "T2": Decimal(3600)}, date=day_in_period)
    taken = await meter(last_reading=reading)  # billing took a reading this period
    await link(billed.user_id, taken.region_code, taken.account_number)
    nobodys = await meter()  # nobody linked
    numbers = (quiet.account_number, sent.account_number, taken.account_number, nobodys.account_number)

    engine, uow_factory = job_parts
    record = await JobRunner(engine, clock).run(reading_window_job(settings, uow_factory))

    assert record is not None and record.status == "finished" and record.items >= 1
    expected = sorted([(quiet.account_number, str(first.user_id)), (quiet.account_number, str(second.user_id))])
    assert await reminded(outbox, *numbers) == expected
    (letter,) = [r for r in await outbox(REMINDER, user_id=first.user_id) if r["params"]["account_number"] in numbers]
    assert letter["params"]["closing_date"] == window_of(period, settings.closing_day).closing.strftime("%d.%m.%Y")

    again = await JobRunner(engine, clock).run(reading_window_job(settings, uow_factory))

    assert again is not None and again.status == "finished"
    assert await reminded(outbox, *numbers) == expected


async def test_two_runners_at_once_remind_an_account_once(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, outbox: Any
) -> None:
    clock, _ = reminder_day(settings.closing_day)
    someone = person()
    quiet = await meter()
    await link(someone.user_id, quiet.region_code, quiet.account_number)
    engine, uow_factory = job_parts
    job = reading_window_job(settings, uow_factory)

    # Through the lease: one runner runs, the other finds it held (or finds nothing left).
    await asyncio.gather(JobRunner(engine, clock).run(job), JobRunner(engine, clock).run(job))
    assert await reminded(outbox, quiet.account_number) == [(quiet.account_number, str(someone.user_id))]

    # And past it (a lease lost mid-batch): two runs' batches at once still send one letter.
    later = await meter()
    await link(someone.user_id, later.region_code, later.account_number)
    work = ReadingWindowRun(settings, uow_factory)
    contexts = [RunContext(run_id, job.name, clock.today(), clock) for run_id in (-1, -2)]
    await asyncio.gather(*(drain(work, context) for context in contexts))
    assert await reminded(outbox, later.account_number) == [(later.account_number, str(someone.user_id))]


async def drain(work: ReadingWindowRun, context: RunContext) -> None:
    while (await work.batch(context)).more:
        pass


async def test_no_reminder_outside_the_window(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, outbox: Any
) -> None:
    clock, _ = reminder_day(settings.closing_day)
    early = Clock(clock.offset_s - 5 * 86400)  # 6 days before the closing day
    someone = person()
    quiet = await meter()
    await link(someone.user_id, quiet.region_code, quiet.account_number)
    engine, uow_factory = job_parts

    record = await JobRunner(engine, early, name=f"test-{uuid.uuid4().hex[:6]}").run(
        reading_window_job(settings, uow_factory)
    )

    assert record is not None and record.items == 0
    assert await reminded(outbox, quiet.account_number) == []
