"""The reading-window reminder (docs/contract.md §4 "Reminders"), a job of lka_common.scheduler
run by the readings consumer process.

On the days from `reading_window_days` before the closing day to the closing day itself, every
account someone is linked to, with a meter in service and no reading for the period yet, gets
one reminder: a `SendReminder` to each subscriber linked to it now. The account's key
(`reading_window`, account, period) is claimed in `reminders_sent` in the same transaction as
those commands, and a batch picks only accounts not reminded yet: a run resumed after a crash,
or a second replica's, never sends twice. Whether each person wants it is theirs to say
(`/profile/notifications`): the notifications service honours it when it sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog

from lka_common.commands.notifications import SendReminder
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.uow import UnitOfWork
from lka_readings.adapters import access, reminders
from lka_readings.domain.messages import month_name
from lka_readings.domain.reminders import READING_WINDOW, PeriodWindow, reminder_due
from lka_readings.settings import ReadingsSettings

log = structlog.get_logger(__name__)

JOB_NAME = "readings.reading_window"
NO_ACCOUNT = uuid.UUID(int=0)  # the cursor before the first account


def reading_window_job(settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> Job:
    return Job(JOB_NAME, settings.reminder_schedule, ReadingWindowRun(settings, uow_factory).batch)


class ReadingWindowRun:
    def __init__(self, settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> None:
        self.settings = settings
        self.uow_factory = uow_factory

    async def batch(self, context: RunContext) -> BatchResult:
        window = reminder_due(context.today, self.settings.closing_day, self.settings.reading_window_days)
        if window is None:
            return BatchResult()
        after = context.state.get("cursor", NO_ACCOUNT)
        size = self.settings.reminder_batch
        async with self.uow_factory() as uow:
            due = await reminders.accounts_without_reading(uow.session, READING_WINDOW, window, after, size)
        sent = 0
        for account in due:
            context.state["cursor"] = account.id
            sent += await self._remind(account.id, account.number, window)
        return BatchResult(items=sent, more=len(due) == size)

    async def _remind(self, account_id: uuid.UUID, number: str, window: PeriodWindow) -> bool:
        """The account's reminder to everyone linked to it, once: False if it was claimed before."""
        params = {
            "account_number": number,
            "period_title": month_name(window.period),
            "closing_date": window.closing.strftime("%d.%m.%Y"),
        }
        async with self.uow_factory() as uow:
            users = await access.links.users_of(uow.session, account_id)
            if not users or not await reminders.claim(
                uow.session, READING_WINDOW, account_id, window.period, len(users)
            ):
                return False
            for user_id in users:
                uow.publish(
                    SendReminder(template="reading_window_reminder", user_id=user_id, params=params), str(user_id)
                )
            await uow.commit()
        log.info("reading_window_reminded", account_id=str(account_id), period=window.period, recipients=len(users))
        return True
