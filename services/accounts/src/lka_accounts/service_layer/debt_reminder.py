"""The debt reminder (docs/contract.md §4 "Reminders"), a job of lka_common.scheduler run by the
accounts consumer process.

Each day, every account someone is linked to that owes more than `debt_threshold_kopecks` now,
`debt_days_after_due` days after its latest bill's due date (or later: a missed run still sends),
gets one reminder for that bill: a letter to each subscriber linked to it now. A batch is one
short transaction: it claims its due accounts' keys (`debt`, account, the bill's period) in
`reminders_sent` and writes their letters to the outbox as one `SendReminders` command, together
(adapters/reminders.py). A run resumed after a crash, or a second replica's, finds those keys
taken and sends nothing twice. Whether each person wants the letter is theirs to say (`/profile/notifications`): the
notifications service honours it when it sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

import structlog

from lka_accounts.adapters import reminders
from lka_accounts.adapters.reminders import DebtLetter
from lka_accounts.domain.bills import month_name, roubles
from lka_accounts.domain.reminders import latest_due_date_reminded
from lka_accounts.settings import AccountsSettings
from lka_common.commands.notifications import SendReminders
from lka_common.faults import pause_point
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.uow import UnitOfWork

log = structlog.get_logger(__name__)

JOB_NAME = "accounts.debt"
NO_ACCOUNT = uuid.UUID(int=0)  # the cursor before the first account


def debt_reminder_job(settings: AccountsSettings, uow_factory: Callable[[], UnitOfWork]) -> Job:
    run = DebtReminderRun(settings, uow_factory)
    return Job(JOB_NAME, settings.reminder_schedule, run.batch, pause_s=settings.reminder_pause_ms / 1000)


def letter(row: DebtLetter) -> tuple[UUID, dict[str, Any]]:
    """The reminder to one subscriber: who, and what the letter says."""
    params = {
        "account_number": row.account_number,
        "amount": roubles(row.owed_kopecks),
        "period_title": month_name(row.period),
        "due_date": row.due_date.strftime("%d.%m.%Y"),
    }
    return row.user_id, params


class DebtReminderRun:
    def __init__(self, settings: AccountsSettings, uow_factory: Callable[[], UnitOfWork]) -> None:
        self.settings = settings
        self.uow_factory = uow_factory

    async def batch(self, context: RunContext) -> BatchResult:
        after = context.state.get("cursor", NO_ACCOUNT)
        size = self.settings.reminder_batch
        latest_due = latest_due_date_reminded(context.today, self.settings.debt_days_after_due)
        async with self.uow_factory() as uow:
            span = await reminders.linked_span(uow.session, after, size)
            if span is None:
                return BatchResult()
            letters = await reminders.claim_debts(
                uow.session, latest_due, self.settings.debt_threshold_kopecks, after, span.last
            )
            for command in SendReminders.of("debt_reminder", [letter(row) for row in letters]):
                uow.publish(command, f"{JOB_NAME}/{context.today.isoformat()}")
            # Between the claim and its commit: the drills kill the worker here (nothing is kept).
            await pause_point("reminder_before_commit")
            await uow.commit()
        context.state["cursor"] = span.last
        accounts = {row.account_id for row in letters}
        if accounts:
            log.info("debt_reminded", accounts=len(accounts), letters=len(letters), latest_due=latest_due.isoformat())
        return BatchResult(items=len(accounts), more=span.size == size)
