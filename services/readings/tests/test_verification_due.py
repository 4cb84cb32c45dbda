"""The verification-due reminder (docs/contract.md §4 "Reminders"): a month before a meter's
`verification_due` and on the day (or, a run missed, up to three days after), one
letter (`verification_due_reminder`, in a `SendReminders` command) to each subscriber linked now to the meter's
account; never for a meter removed, nobody's, or whose date is long past; once per stage, meter
and date, however often it runs and however many runners race."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from lka_common.db import make_engine, make_sessionmaker
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import JobRunner, RunRecord
from lka_common.uow import UnitOfWork
from lka_readings.domain.reminders import verification_stages
from lka_readings.service_layer.verification_due import verification_due_job
from lka_readings.settings import ReadingsSettings

TEMPLATE = "verification_due_reminder"
DAY = date(2031, 3, 10)  # the jobs' "today" here: no other test's meter has a verification date near it


def clock_on(day: date) -> Clock:
    target = datetime.combine(day, time(12), LOCAL_TIME)
    return Clock((target - datetime.now(LOCAL_TIME)).total_seconds())


def test_a_month_before_is_the_30_days_before_the_date_and_on_the_day_runs_three_days_past_it() -> None:
    month_before, on_the_day = verification_stages(DAY)

    assert (month_before.name, month_before.first_due, month_before.last_due) == (
        "month_before",
        DAY + timedelta(days=1),
        DAY + timedelta(days=30),
    )
    assert (on_the_day.name, on_the_day.first_due, on_the_day.last_due) == ("due", DAY - timedelta(days=3), DAY)
    assert month_before.kind != on_the_day.kind


@pytest.fixture
async def job_parts(settings: ReadingsSettings) -> AsyncIterator[tuple[Any, Callable[[], UnitOfWork]]]:
    engine = make_engine(settings, pool_size=3)
    sessions = make_sessionmaker(engine)
    yield engine, lambda: UnitOfWork(sessions, settings.source)
    await engine.dispose()


async def run_on(day: date, settings: ReadingsSettings, job_parts: Any) -> RunRecord:
    engine, uow_factory = job_parts
    record = await JobRunner(engine, clock_on(day)).run(verification_due_job(settings, uow_factory))
    assert record is not None and record.status == "finished"
    return record


async def letters(reminders: Any, *serials: str) -> list[tuple[str, str, str, str]]:
    """(meter number, stage, date, user) of each verification reminder about these meters."""
    rows = await reminders(TEMPLATE)
    return sorted(
        (r["params"]["meter_number"], r["params"]["stage"], r["params"]["verification_date"], r["user_id"])
        for r in rows
        if r["params"]["meter_number"] in serials
    )


def serial() -> str:
    return f"V-{uuid.uuid4().hex[:10]}"


async def test_a_run_reminds_a_month_before_and_on_the_day_and_no_one_else(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, reminders: Any
) -> None:
    first, second, other, past, late, gone, early = (person() for _ in range(7))

    async def linked_meter(due: date, *who: Any, removed: bool = False) -> Any:
        data = await meter(serial_number=serial(), verification_due=due, removed=removed)
        for someone in who:
            await link(someone.user_id, data.region_code, data.account_number)
        return data

    month = await linked_meter(DAY + timedelta(days=30), first, second)  # the first day of "a month before"
    today = await linked_meter(DAY, other)  # on the day
    missed = await linked_meter(DAY - timedelta(days=3), late)  # a run missed: still "on the day"
    long_past = await linked_meter(DAY - timedelta(days=4), past)  # too late to be of use
    removed = await linked_meter(DAY + timedelta(days=10), gone, removed=True)
    nobodys = await linked_meter(DAY + timedelta(days=5))
    too_early = await linked_meter(DAY + timedelta(days=31), early)
    serials = [m.serial_number for m in (month, today, missed, long_past, removed, nobodys, too_early)]
    # Two meters a batch: the run walks each stage's meters by date and id, batch after batch.
    settings = settings.model_copy(update={"verification_batch": 2, "reminder_pause_ms": 0})

    first_run = await run_on(DAY, settings, job_parts)

    assert first_run.batches >= 4 and first_run.items >= 3

    def dated(day: date) -> str:
        return day.strftime("%d.%m.%Y")

    assert await letters(reminders, *serials) == sorted(
        [
            (month.serial_number, "month_before", dated(DAY + timedelta(days=30)), str(first.user_id)),
            (month.serial_number, "month_before", dated(DAY + timedelta(days=30)), str(second.user_id)),
            (today.serial_number, "due", dated(DAY), str(other.user_id)),
            (missed.serial_number, "due", dated(DAY - timedelta(days=3)), str(late.user_id)),
        ]
    )
    (one,) = [r for r in await reminders(TEMPLATE, user_id=other.user_id) if r["params"]["meter_number"] in serials]
    assert one["params"] == {
        "account_number": today.account_number,
        "meter_number": today.serial_number,
        "verification_date": dated(DAY),
        "stage": "due",
    }

    # Again the same day, and the next: nothing twice; the meter a day nearer now gets its month-before.
    await run_on(DAY, settings, job_parts)
    await run_on(DAY + timedelta(days=1), settings, job_parts)

    sent = await letters(reminders, *serials)
    assert len(sent) == 5
    assert (too_early.serial_number, "month_before", dated(DAY + timedelta(days=31)), str(early.user_id)) in sent

    # On its day the month-ahead meter gets its on-the-day letter, and only that.
    await run_on(DAY + timedelta(days=30), settings, job_parts)

    on_its_day = [row for row in await letters(reminders, month.serial_number) if row[1] == "due"]
    assert [row[3] for row in on_its_day] == sorted([str(first.user_id), str(second.user_id)])
    assert len(await letters(reminders, month.serial_number)) == 4


async def test_a_new_verification_date_is_reminded_afresh(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, reminders: Any
) -> None:
    someone = person()
    number = serial()
    data = await meter(serial_number=number, verification_due=DAY + timedelta(days=10))
    await link(someone.user_id, data.region_code, data.account_number)
    await run_on(DAY, settings, job_parts)

    # Billing moves the date (a verification recorded, or postponed): the new one is a new reminder.
    await meter(
        serial_number=number,
        account_number=data.account_number,
        region_code=data.region_code,
        verification_due=DAY + timedelta(days=20),
    )
    await run_on(DAY, settings, job_parts)

    assert [(row[1], row[2]) for row in await letters(reminders, number)] == [
        ("month_before", (DAY + timedelta(days=10)).strftime("%d.%m.%Y")),
        ("month_before", (DAY + timedelta(days=20)).strftime("%d.%m.%Y")),
    ]


async def test_two_runners_at_once_remind_a_meter_once(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, reminders: Any
) -> None:
    someone = person()
    data = await meter(serial_number=serial(), verification_due=DAY + timedelta(days=7))
    await link(someone.user_id, data.region_code, data.account_number)
    engine, uow_factory = job_parts
    job = verification_due_job(settings, uow_factory)

    await asyncio.gather(JobRunner(engine, clock_on(DAY)).run(job), JobRunner(engine, clock_on(DAY)).run(job))

    assert len(await letters(reminders, data.serial_number)) == 1
