"""Billing's verdict on a reading (`billing.reading.processed.v1`), passed on to letters and to
the enterprise as `readings.reading.accepted/rejected.v1`.

The first verdict is final (docs/contract.md §2): the status changes only from `submitted`, in one
conditional UPDATE, so a repeated or contradicting verdict changes nothing and publishes
nothing; the inbox already absorbs the same event delivered twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from lka_common.after_commit import after_commit
from lka_common.events.billing import BillingReadingProcessed
from lka_common.events.envelope import CloudEvent
from lka_common.events.readings import ReadingAccepted, ReadingRejected
from lka_common.uow import UnitOfWork
from lka_readings.adapters import metrics, readings

log = structlog.get_logger(__name__)


async def reading_processed(uow: UnitOfWork, data: BillingReadingProcessed, event: CloudEvent) -> None:
    decided = await readings.decide(uow.session, data.reading_id, data.status, data.reason, datetime.now(UTC))
    if decided is None:
        log.info("verdict_ignored", reading_id=str(data.reading_id), status=data.status, reason="decided or unknown")
        return
    model = ReadingAccepted if data.status == "accepted" else ReadingRejected
    outcome = model(
        reading_id=decided.id,
        account_id=decided.account_id,
        region_code=decided.region_code,
        account_number=decided.account_number,
        reason=data.reason,
    )
    uow.publish(outcome, subject=str(decided.account_id))
    after_commit(uow.session, metrics.READINGS_VERDICTS.labels(data.status).inc)
