"""The verification-due reminder (docs/contract.md §4 "Reminders"): a month before a meter's
`verification_due` (поверка, from billing's meter events) and on the day, a job of
lka_common.scheduler run by the readings consumer process beside the reading window.

Each stage (domain/reminders.py `verification_stages`) takes the meters in service whose date
makes it due today: "a month before" while today is in [due − 30, due), "on the day" from the
date to `ON_THE_DAY_GRACE_DAYS` after it, so a run missed on the exact day still sends; a meter
removed, or whose date is past that, gets nothing. One short transaction per batch of
`verification_batch` meters claims the reminder in `reminders_sent` (its kind, the meter, the date)
and writes its letters (`verification_due_reminder`, one to each subscriber linked now to the
meter's account) as one `SendReminders` command: never twice, whoever runs it and however often.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from lka_common.commands.notifications import ReminderTemplate, SendReminders
from lka_common.faults import pause_point
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.uow import UnitOfWork
from lka_readings.adapters import reminders
from lka_readings.domain.reminders import verification_stages
from lka_readings.settings import ReadingsSettings

log = structlog.get_logger(__name__)

JOB_NAME = "readings.verification_due"
TEMPLATE: ReminderTemplate = "verification_due_reminder"


def verification_due_job(settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> Job:
    run = VerificationDueRun(settings, uow_factory)
    return Job(JOB_NAME, settings.verification_schedule, run.batch, pause_s=settings.reminder_pause_ms / 1000)


class VerificationDueRun:
    def __init__(self, settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> None:
        self.settings = settings
        self.uow_factory = uow_factory

    async def batch(self, context: RunContext) -> BatchResult:
        """One batch of the current stage; the run goes through the stages in turn."""
        stages = verification_stages(context.today)
        index = context.state.get("stage", 0)
        stage = stages[index]
        after = context.state.get("cursor")
        size = self.settings.verification_batch
        async with self.uow_factory() as uow:
            batch = await reminders.next_meters(uow.session, stage.first_due, stage.last_due, after, size)
            letters = []
            if batch:
                ids = [meter.id for meter in batch]
                letters = await reminders.claim_verification(
                    uow.session, stage.kind, stage.first_due, stage.last_due, ids
                )
            to_send = [
                (
                    letter.user_id,
                    {
                        "account_number": letter.account_number,
                        "meter_number": letter.serial_number,
                        "verification_date": letter.verification_due.strftime("%d.%m.%Y"),
                        "stage": stage.name,
                    },
                )
                for letter in letters
            ]
            for command in SendReminders.of(TEMPLATE, to_send):
                uow.publish(command, f"{stage.kind}/{context.today.isoformat()}")
            if letters:
                # The reminders claimed and their letters raised, nothing committed: the drills kill the worker here.
                await pause_point("reminder_before_commit")
                await uow.commit()
        meters = len({letter.meter_id for letter in letters})
        if letters:
            log.info("verification_due_batch", stage=stage.name, reminded=meters, letters=len(letters))
        if len(batch) == size:
            context.state["cursor"] = batch[-1]  # more of this stage
        elif index + 1 < len(stages):
            context.state.update(stage=index + 1, cursor=None)  # the next stage from its first meter
        else:
            return BatchResult(items=meters)
        return BatchResult(items=meters, more=True)
