"""The accounts a reminder is for, and the claim that it was sent (`reminders_sent`)."""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

from sqlalchemy import and_, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_readings.adapters.tables import (
    account_links,
    accounts,
    billing_readings,
    meters,
    not_rejected,
    readings,
    reminders_sent,
)
from lka_readings.domain.reminders import PeriodWindow


class DueAccount(NamedTuple):
    id: UUID
    region_code: str
    number: str


async def accounts_without_reading(
    session: AsyncSession, kind: str, window: PeriodWindow, after: UUID, limit: int
) -> list[DueAccount]:
    """Accounts (by id, after `after`) someone is linked to, with a meter in service, no reading
    for the period (ours not rejected, or one billing took in its days) and not reminded yet."""
    own_meter = and_(meters.c.region_code == accounts.c.region_code, meters.c.account_number == accounts.c.number)
    linked = exists().where(account_links.c.account_id == accounts.c.id, account_links.c.linked.is_(True))
    has_meter = exists().where(own_meter, meters.c.removed.is_(False))
    ours = exists().where(
        readings.c.region_code == accounts.c.region_code,
        readings.c.account_number == accounts.c.number,
        readings.c.billing_period == window.period,
        not_rejected,
    )
    billings = exists(
        select(billing_readings.c.meter_id)
        .join(meters, meters.c.id == billing_readings.c.meter_id)
        .where(own_meter, billing_readings.c.taken_on.between(window.first_day, window.closing))
    )
    reminded = exists().where(
        reminders_sent.c.kind == kind,
        reminders_sent.c.subject_id == accounts.c.id,
        reminders_sent.c.period == window.period,
    )
    query = (
        select(accounts.c.id, accounts.c.region_code, accounts.c.number)
        .where(accounts.c.id > after, linked, has_meter, ~ours, ~billings, ~reminded)
        .order_by(accounts.c.id)
        .limit(limit)
    )
    return [DueAccount(*row) for row in (await session.execute(query)).all()]


async def claim(session: AsyncSession, kind: str, subject_id: UUID, period: str, recipients: int) -> bool:
    """Record the reminder as sent; False when it was before (another runner, an earlier run)."""
    statement = (
        insert(reminders_sent)
        .values(kind=kind, subject_id=subject_id, period=period, recipients=recipients, sent_at=func.now())
        .on_conflict_do_nothing()
        .returning(reminders_sent.c.kind)
    )
    return (await session.execute(statement)).first() is not None
