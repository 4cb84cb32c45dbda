"""The reading-window reminder (docs/contract.md §4 "Reminders"): days before the closing day, one
letter (in a `SendReminders` command) to each subscriber linked to an account with a meter and no
reading this period, and to no one else; once per account and period, however often it runs, in however many batches,
cut short wherever, and however many runners race (the key is claimed with the commands in one
transaction per batch, service_layer/reading_window.py). What the run knows of an account
(adapters/reminder_accounts.py) follows its meters' and links' events whatever their order."""

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
from lka_common.events.accounts import AccountUnlinked
from lka_common.events.billing import BillingReadingProcessed, LastReading
from lka_common.events.envelope import CloudEvent
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import JobRunner, RunContext
from lka_common.uow import UnitOfWork
from lka_readings.domain.messages import month_name
from lka_readings.domain.periods import period_of_day
from lka_readings.domain.reminders import reminder_due, window_of
from lka_readings.service_layer import projections, reading_window, verdicts
from lka_readings.service_layer.reading_window import ReadingWindowRun, reading_window_job
from lka_readings.settings import ReadingsSettings

TEMPLATE = "reading_window_reminder"


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


async def reminded(reminders: Any, *numbers: str) -> list[tuple[str, str]]:
    rows = await reminders(TEMPLATE)
    return sorted(
        (row["params"]["account_number"], row["user_id"]) for row in rows if row["params"]["account_number"] in numbers
    )


async def test_a_run_writes_to_the_subscribers_of_accounts_without_a_reading_and_to_no_one_else(
    api: httpx.AsyncClient,
    settings: ReadingsSettings,
    job_parts: Any,
    handlers: Any,
    meter: Callable[..., Awaitable[Any]],
    link: Any,
    person: Any,
    reminders: Any,
) -> None:
    clock, period = reminder_day(settings.closing_day)
    first, second, submitter, billed, refused, left, gone = (person() for _ in range(7))
    quiet = await meter()  # no reading this period: both its subscribers are reminded
    await link(first.user_id, quiet.region_code, quiet.account_number)
    await link(second.user_id, quiet.region_code, quiet.account_number)
    sent = await meter()  # a reading submitted this period
    await submit(api, submitter, await link(submitter.user_id, sent.region_code, sent.account_number))
    day_in_period = clock.today() - timedelta(days=1)
    reading = LastReading(values={"T1": Decimal(8300), "T2": Decimal("3600")}, date=day_in_period)
    taken = await meter(last_reading=reading)  # billing took a reading this period
    await link(billed.user_id, taken.region_code, taken.account_number)
    rejected = await meter()  # its only reading this period billing rejected: still reminded
    reading_id = await submit(api, refused, await link(refused.user_id, rejected.region_code, rejected.account_number))
    verdict = BillingReadingProcessed(reading_id=reading_id, status="rejected", reason="Показания меньше предыдущих")
    await handlers(verdicts.reading_processed, verdict)
    unlinked = await meter()  # its only subscriber unlinked it
    was = await link(left.user_id, unlinked.region_code, unlinked.account_number)
    await handlers(projections.account_unlinked, AccountUnlinked(user_id=left.user_id, **was_account(was)))
    removed = await meter(removed=True)  # its only meter taken off the account
    await link(gone.user_id, removed.region_code, removed.account_number)
    nobodys = await meter()  # nobody linked
    numbers = tuple(m.account_number for m in (quiet, sent, taken, rejected, unlinked, removed, nobodys))

    engine, uow_factory = job_parts
    record = await JobRunner(engine, clock).run(reading_window_job(settings, uow_factory))

    assert record is not None and record.status == "finished" and record.items >= 2
    expected = sorted(
        [
            (quiet.account_number, str(first.user_id)),
            (quiet.account_number, str(second.user_id)),
            (rejected.account_number, str(refused.user_id)),
        ]
    )
    assert await reminded(reminders, *numbers) == expected
    mine = await reminders(TEMPLATE, user_id=first.user_id)
    (letter,) = [r for r in mine if r["params"]["account_number"] in numbers]
    closing = window_of(period, settings.closing_day).closing
    assert letter["template"] == "reading_window_reminder"
    assert letter["params"] == {
        "account_number": quiet.account_number,
        "period_title": month_name(period),
        "closing_date": closing.strftime("%d.%m.%Y"),
    }

    again = await JobRunner(engine, clock).run(reading_window_job(settings, uow_factory))

    assert again is not None and again.status == "finished"
    assert await reminded(reminders, *numbers) == expected


async def submit(api: httpx.AsyncClient, who: Any, account: Any) -> uuid.UUID:
    """A reading of the account's meter submitted by `who` in the cabinet; its id."""
    (shown,) = (await api.get(f"/accounts/{account.account_id}/meters", headers=who.headers)).json()
    body = {"meter_id": shown["id"], "values": {"T1": 8200, "T2": 3500}}
    posted = await api.post(f"/accounts/{account.account_id}/readings", json=body, headers=who.headers)
    assert posted.status_code == 201, posted.text
    return uuid.UUID(posted.json()["id"])


def was_account(linked: Any) -> dict[str, Any]:
    return {"account_id": linked.account_id, "region_code": linked.region_code, "account_number": linked.number}


async def test_a_run_in_small_batches_reminds_every_due_account_once(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, reminders: Any
) -> None:
    clock, _ = reminder_day(settings.closing_day)
    small = settings.model_copy(update={"reminder_batch": 2, "reminder_pause_ms": 0})
    subscribers = [person() for _ in range(5)]
    accounts = [await meter() for _ in subscribers]
    for who, account in zip(subscribers, accounts, strict=True):
        await link(who.user_id, account.region_code, account.account_number)
    engine, uow_factory = job_parts

    record = await JobRunner(engine, clock).run(reading_window_job(small, uow_factory))

    assert record is not None and record.status == "finished"
    assert record.batches >= 3  # five accounts (and the other tests') two at a time
    numbers = [a.account_number for a in accounts]
    expected = sorted((a.account_number, str(w.user_id)) for w, a in zip(subscribers, accounts, strict=True))
    assert await reminded(reminders, *numbers) == expected


async def test_a_batch_cut_short_before_its_commit_leaves_nothing_and_the_next_run_sends_once(
    settings: ReadingsSettings,
    job_parts: Any,
    db: Any,
    meter: Any,
    link: Any,
    person: Any,
    reminders: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock, period = reminder_day(settings.closing_day)
    someone = person()
    quiet = await meter()
    account = await link(someone.user_id, quiet.region_code, quiet.account_number)
    engine, uow_factory = job_parts
    reached: list[str] = []
    paused = asyncio.Event()

    async def crash_here(point: str) -> None:  # the drills kill the worker at this point
        reached.append(point)
        paused.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(reading_window, "pause_point", crash_here)
    run = asyncio.create_task(JobRunner(engine, clock).run(reading_window_job(settings, uow_factory)))
    await asyncio.wait_for(paused.wait(), 30)

    # Claimed and written inside the batch's transaction, none of it visible before the commit.
    assert reached == ["reminder_before_commit"]
    claimed = "SELECT count(*) FROM reminders_sent WHERE subject_id = $1 AND period = $2"
    assert await db.fetchval(claimed, account.account_id, period) == 0
    assert await reminded(reminders, quiet.account_number) == []

    run.cancel()  # the worker dies: its transaction rolls back
    with pytest.raises(asyncio.CancelledError):
        await run
    assert await db.fetchval(claimed, account.account_id, period) == 0
    monkeypatch.undo()

    resumed = await JobRunner(engine, clock).run(reading_window_job(settings, uow_factory))

    assert resumed is not None and resumed.status == "finished"
    assert await reminded(reminders, quiet.account_number) == [(quiet.account_number, str(someone.user_id))]
    assert await db.fetchval(claimed, account.account_id, period) == 1


async def test_two_runners_at_once_remind_an_account_once(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, reminders: Any
) -> None:
    clock, _ = reminder_day(settings.closing_day)
    someone = person()
    quiet = await meter()
    await link(someone.user_id, quiet.region_code, quiet.account_number)
    engine, uow_factory = job_parts
    job = reading_window_job(settings, uow_factory)

    # Through the lease: one runner runs, the other finds it held (or finds nothing left).
    await asyncio.gather(JobRunner(engine, clock).run(job), JobRunner(engine, clock).run(job))
    assert await reminded(reminders, quiet.account_number) == [(quiet.account_number, str(someone.user_id))]

    # And past it (a lease lost mid-batch): two runs' batches at once still send one letter.
    later = await meter()
    await link(someone.user_id, later.region_code, later.account_number)
    work = ReadingWindowRun(settings, uow_factory)
    contexts = [RunContext(run_id, job.name, clock.today(), clock) for run_id in (-1, -2)]
    await asyncio.gather(*(drain(work, context) for context in contexts))
    assert await reminded(reminders, later.account_number) == [(later.account_number, str(someone.user_id))]


async def drain(work: ReadingWindowRun, context: RunContext) -> None:
    while (await work.batch(context)).more:
        pass


async def test_no_reminder_outside_the_window(
    settings: ReadingsSettings, job_parts: Any, meter: Any, link: Any, person: Any, reminders: Any
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
    assert await reminded(reminders, quiet.account_number) == []


async def run_and_see(
    settings: ReadingsSettings, job_parts: Any, reminders: Any, *numbers: str
) -> list[tuple[str, str]]:
    """Run the reading window on the day before the closing day; who got a letter for `numbers`."""
    clock, _ = reminder_day(settings.closing_day)
    engine, uow_factory = job_parts
    record = await JobRunner(engine, clock).run(reading_window_job(settings, uow_factory))
    assert record is not None and record.status == "finished"
    rows = await reminders(TEMPLATE)
    return sorted(
        (row["params"]["account_number"], row["user_id"]) for row in rows if row["params"]["account_number"] in numbers
    )


async def test_what_changes_after_the_account_was_linked_reaches_the_next_run(
    settings: ReadingsSettings,
    job_parts: Any,
    meter: Callable[..., Awaitable[Any]],
    link: Any,
    person: Any,
    reminders: Any,
) -> None:
    clock, _ = reminder_day(settings.closing_day)
    first, second, billed, removed, metered = (person() for _ in range(5))
    joined = await meter()  # a second subscriber links it later: both are reminded
    await link(first.user_id, joined.region_code, joined.account_number)
    await link(second.user_id, joined.region_code, joined.account_number)
    later_billed = await meter()  # billing takes a reading this period after the link: nobody is
    await link(billed.user_id, later_billed.region_code, later_billed.account_number)
    reading = LastReading(values={"T1": Decimal(8300), "T2": Decimal(3600)}, date=clock.today() - timedelta(days=1))
    await meter(account_number=later_billed.account_number, last_reading=reading)
    later_removed = await meter()  # its only meter is taken off after the link: nobody is
    await link(removed.user_id, later_removed.region_code, later_removed.account_number)
    await meter(account_number=later_removed.account_number, removed=True)
    later_metered = await meter(removed=True)  # linked without a meter in service, then one comes: reminded
    await link(metered.user_id, later_metered.region_code, later_metered.account_number)
    await meter(account_number=later_metered.account_number, serial_number="M230-0303")
    numbers = (joined, later_billed, later_removed, later_metered)

    reminded = await run_and_see(settings, job_parts, reminders, *(m.account_number for m in numbers))

    assert reminded == sorted(
        [
            (joined.account_number, str(first.user_id)),
            (joined.account_number, str(second.user_id)),
            (later_metered.account_number, str(metered.user_id)),
        ]
    )


async def test_two_events_of_one_account_at_once_both_reach_its_row(
    settings: ReadingsSettings,
    job_parts: Any,
    meter: Callable[..., Awaitable[Any]],
    meter_event: Callable[..., Any],
    link: Any,
    person: Any,
    reminders: Any,
) -> None:
    """A meter comes into service while a second subscriber links the account: each transaction
    computes the row before the other commits. The account's lock makes the later one compute
    after the earlier committed; without it the link's row (no meter in service) would overwrite
    the meter's, and nobody would be reminded."""
    first, second = person(), person()
    account = await meter(removed=True)
    await link(first.user_id, account.region_code, account.account_number)
    new_meter = meter_event(account_number=account.account_number, serial_number="M230-0303")
    event = CloudEvent(id=str(uuid.uuid4()), source="/test", type=new_meter.event_type, time=datetime.now(UTC))
    _, uow_factory = job_parts

    async with uow_factory() as uow:
        await projections.meter_updated(uow, new_meter, event)
        linking = asyncio.create_task(link(second.user_id, account.region_code, account.account_number))
        await asyncio.sleep(0.3)  # the link's transaction has begun and waits for this one
        await uow.commit()
    await linking

    reminded = await run_and_see(settings, job_parts, reminders, account.account_number)

    both = [(account.account_number, str(first.user_id)), (account.account_number, str(second.user_id))]
    assert reminded == sorted(both)
