"""Readings: stored once per meter, period and values; their history; billing's verdict.

`sent` is not stored: a reading whose submitted event the relay has published (its outbox row
is marked, or already pruned) is shown as sent, so the status never claims more than happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.messaging.tables import outbox
from lka_readings.adapters.meters import values_from_json
from lka_readings.adapters.tables import readings
from lka_readings.domain.consumption import PeriodReading
from lka_readings.domain.model import Account, Reading
from lka_readings.domain.periods import local_date


@dataclass(frozen=True)
class Decided:
    """A reading billing has just given its (first) verdict on."""

    id: UUID
    account_id: UUID
    region_code: str
    account_number: str


def _unpublished() -> Any:
    return exists().where(outbox.c.message_id == readings.c.event_id, outbox.c.published_at.is_(None))


def _reading(row: Any) -> Reading:
    status = row.status
    if status == "submitted" and not row.unpublished:
        status = "sent"
    return Reading(
        row.id,
        row.meter_id,
        values_from_json(row.reading_values),
        row.submitted_at,
        row.billing_period,
        row.source,
        status,
        row.status_reason,
    )


async def history(session: AsyncSession, account: Account, limit: int, offset: int) -> list[Reading]:
    rows = await session.execute(
        select(readings, _unpublished().label("unpublished"))
        .where(readings.c.region_code == account.region_code, readings.c.account_number == account.number)
        .order_by(readings.c.submitted_at.desc(), readings.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_reading(row) for row in rows]


async def per_period(session: AsyncSession, account: Account) -> list[PeriodReading]:
    """For each meter and period of the account, its latest reading that billing did not reject."""
    rows = await session.execute(
        select(readings.c.meter_id, readings.c.billing_period, readings.c.reading_values, readings.c.submitted_at)
        .ext(distinct_on(readings.c.meter_id, readings.c.billing_period))
        .where(
            readings.c.region_code == account.region_code,
            readings.c.account_number == account.number,
            readings.c.status != "rejected",
        )
        .order_by(readings.c.meter_id, readings.c.billing_period, readings.c.submitted_at.desc())
    )
    return [
        PeriodReading(
            row.meter_id, row.billing_period, values_from_json(row.reading_values), local_date(row.submitted_at)
        )
        for row in rows
    ]


async def decide(
    session: AsyncSession, reading_id: UUID, status: str, reason: str | None, at: datetime
) -> Decided | None:
    """Take billing's verdict if it is the first; None for a second verdict or an unknown reading."""
    row = (
        await session.execute(
            update(readings)
            .where(and_(readings.c.id == reading_id, readings.c.status == "submitted"))
            .values(status=status, status_reason=reason, decided_at=at)
            .returning(readings.c.id, readings.c.account_id, readings.c.region_code, readings.c.account_number)
        )
    ).first()
    return Decided(row.id, row.account_id, row.region_code, row.account_number) if row else None
