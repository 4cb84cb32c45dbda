"""The reading-window reminder (docs/contract.md §4 "Reminders"), a job of lka_common.scheduler
run by the readings consumer process.

On the days from `reading_window_days` before the closing day to the closing day itself, every
account someone is linked to, with a meter in service and no reading for the period yet, gets
one reminder letter to each subscriber linked to it now. Whether each person wants it is theirs
to say (`/profile/notifications`): the notifications service honours it when it sends.

Set-based, for a million accounts in minutes: a batch is the next `reminder_batch` accounts by
id after the cursor (their meters and links as adapters/reminder_accounts.py keeps them); one
statement in one short transaction claims the due ones among them in `reminders_sent` (kind
`reading_window`, account, period) and writes their letters to the outbox as `SendReminders`
commands (notifications sends them one by one at its own pace), so a run resumed after a crash,
or a second replica's, never sends twice; the letters never pass through Python
(lka_common.commands.reminder_letters). Between batches the runner rests `reminder_pause_ms`, or as
long as the batch took if that was longer, leaving the database to the subscribers' requests.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from lka_common.commands.notifications import ReminderTemplate
from lka_common.commands.reminder_letters import ReminderLetters
from lka_common.faults import pause_point
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.uow import UnitOfWork
from lka_readings.adapters import reminders
from lka_readings.domain.messages import month_name
from lka_readings.domain.reminders import READING_WINDOW, reminder_due
from lka_readings.settings import ReadingsSettings

log = structlog.get_logger(__name__)

JOB_NAME = "readings.reading_window"
TEMPLATE: ReminderTemplate = "reading_window_reminder"


def reading_window_job(settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> Job:
    run = ReadingWindowRun(settings, uow_factory)
    return Job(JOB_NAME, settings.reminder_schedule, run.batch, pause_s=settings.reminder_pause_ms / 1000)


class ReadingWindowRun:
    def __init__(self, settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> None:
        self.settings = settings
        self.uow_factory = uow_factory

    async def batch(self, context: RunContext) -> BatchResult:
        window = reminder_due(context.today, self.settings.closing_day, self.settings.reading_window_days)
        if window is None:
            return BatchResult()
        after = context.state.get("cursor", reminders.FIRST_ACCOUNT)
        size = self.settings.reminder_batch
        letters = ReminderLetters(
            TEMPLATE,
            {"period_title": month_name(window.period), "closing_date": window.closing.strftime("%d.%m.%Y")},
            self.settings.source,
            f"{READING_WINDOW}/{window.period}",
        )
        async with self.uow_factory() as uow:
            done = await reminders.claim_reading_window(uow.session, window, after, size, letters)
            if done.letters:
                # The reminders claimed and their letters written, nothing committed: the drills kill the worker here.
                await pause_point("reminder_before_commit")
                await uow.commit()
        if done.last is None:
            return BatchResult()
        context.state["cursor"] = done.last
        log.info(
            "reading_window_batch",
            period=window.period,
            examined=done.examined,
            reminded=done.reminded,
            letters=done.letters,
            commands=done.commands,
        )
        return BatchResult(items=done.reminded, more=done.examined == size)
