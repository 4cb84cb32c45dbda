"""Submitting a reading: signed in for a linked account, or from the public form by region,
account number and meter serial. Both end in one reading and one `reading.submitted` event.

The reading and its event are written in one transaction (the outbox), and the unique index
on meter, period and values makes racing identical requests one reading: the others are told
it is already there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from lka_common.events.readings import ReadingSubmitted
from lka_common.uow import DriverUnitOfWork
from lka_readings.adapters import metrics, submissions
from lka_readings.domain import estimates, messages, rules
from lka_readings.domain.errors import DuplicateReading, NotFound
from lka_readings.domain.estimates import last_day
from lka_readings.domain.model import Account, Estimate, Meter, Source, Values
from lka_readings.domain.periods import billing_period
from lka_readings.settings import ReadingsSettings

# Names accounts nobody has linked yet (see README: the contract wants an account id for them).
UNLINKED_ACCOUNT_NAMESPACE = uuid.UUID("6f7c7a52-3a53-4f0e-9a7e-4b1d2f0e8a11")


@dataclass(frozen=True)
class ReadingRules:
    closing_day: int
    ceiling: Decimal

    @classmethod
    def from_settings(cls, settings: ReadingsSettings) -> ReadingRules:
        return cls(settings.closing_day, settings.monthly_ceiling_kwh)


@dataclass(frozen=True)
class Submitted:
    id: UUID
    billing_period: str
    message: str
    estimate: Estimate | None = None


async def submit_reading(
    uow: DriverUnitOfWork, rules_: ReadingRules, user_id: UUID, account_id: UUID, meter_id: UUID, values: Values
) -> Submitted:
    async with uow:
        found = await submissions.linked_meter(uow.conn, user_id, account_id, meter_id)
        if found is None:
            raise NotFound
        account, meter = found
        rules.check(meter, values, rules_.ceiling)
        return await _store(uow, rules_, account, meter, values, "web")


async def submit_anonymous(
    uow: DriverUnitOfWork, rules_: ReadingRules, region_code: str, number: str, serial: str, values: Values
) -> Submitted:
    async with uow:
        meter = await submissions.by_serial(uow.conn, region_code, number, serial)
        if meter is None:
            raise NotFound  # whatever did not match: the answer must not tell which
        rules.check(meter, values, rules_.ceiling, reveal=False)
        account = await submissions.account_by_number(uow.conn, region_code, number)
        if account is None:
            account = Account(uuid.uuid5(UNLINKED_ACCOUNT_NAMESPACE, f"{region_code}/{number}"), region_code, number)
        return await _store(uow, rules_, account, meter, values, "anonymous")


async def _store(
    uow: DriverUnitOfWork, rules_: ReadingRules, account: Account, meter: Meter, values: Values, source: Source
) -> Submitted:
    now = datetime.now(UTC)
    period = billing_period(now, rules_.closing_day)
    reading_id = uuid.uuid4()
    # Only the signed-in owner's reading is estimated: on the public form the cost would tell
    # anyone who knows an account number and a serial how far the last reading was (README).
    cost = None
    if source == "web":
        versions = await submissions.tariff_versions(uow.conn, account, last_day(period))
        cost = estimates.estimate(meter, values, versions, account.region_code, period)
    event = uow.publish(
        ReadingSubmitted(
            reading_id=reading_id,
            account_id=account.id,
            region_code=account.region_code,
            account_number=account.number,
            meter_serial=meter.serial_number,
            values=values,
            submitted_at=now,
            billing_period=period,
            source=source,
        ),
        subject=str(account.id),
    )
    new = submissions.NewReading(reading_id, account, meter, values, now, period, source, UUID(event.id), cost)
    if not await submissions.add(uow.conn, new):
        existing = await submissions.same_as(uow.conn, meter.id, period, values)
        raise DuplicateReading(existing, period)
    await uow.commit()
    metrics.READINGS_SUBMITTED.labels(source).inc()
    return Submitted(reading_id, period, messages.submitted(period), cost)
