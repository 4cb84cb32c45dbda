"""Meters as billing last sent them (`billing.meter.updated.v1`), keyed by account and serial.

Billing may repeat or reorder its events. The inbox absorbs exact repeats; beyond that, the
meter's description (zones, digits, removal) follows the event's `time` when billing gives one
(an older one never overwrites a newer), and the last reading never goes back to an older date.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.events.billing import BillingMeterUpdated
from lka_readings.adapters.tables import account_links, accounts, meters
from lka_readings.domain.model import Account, LastReading, Meter


def values_to_json(values: dict[str, Decimal]) -> dict[str, str]:
    return {zone: format(value, "f") for zone, value in values.items()}


def values_from_json(stored: dict[str, str]) -> dict[str, Decimal]:
    return {zone: Decimal(value) for zone, value in stored.items()}


async def save(session: AsyncSession, data: BillingMeterUpdated, event_time: datetime | None) -> None:
    last = data.last_reading
    statement = insert(meters).values(
        id=uuid.uuid4(),
        region_code=data.region_code,
        account_number=data.account_number,
        serial_number=data.serial_number,
        zones=data.zones,
        digits=data.digits,
        last_values=values_to_json({str(zone): value for zone, value in last.values.items()}) if last else None,
        last_date=last.date if last else None,
        removed=data.removed,
        event_time=event_time,
        updated_at=func.now(),
    )
    new = statement.excluded
    # Without times on both sides there is nothing to order by: the later arrival wins.
    description_newer = or_(
        new.event_time.is_(None), meters.c.event_time.is_(None), meters.c.event_time <= new.event_time
    )
    reading_newer = and_(
        new.last_date.is_not(None), or_(meters.c.last_date.is_(None), meters.c.last_date <= new.last_date)
    )
    await session.execute(
        statement.on_conflict_do_update(
            constraint="meters_account_serial_key",
            set_={
                "zones": case((description_newer, new.zones), else_=meters.c.zones),
                "digits": case((description_newer, new.digits), else_=meters.c.digits),
                "removed": case((description_newer, new.removed), else_=meters.c.removed),
                "event_time": case((description_newer, new.event_time), else_=meters.c.event_time),
                "last_values": case((reading_newer, new.last_values), else_=meters.c.last_values),
                "last_date": case((reading_newer, new.last_date), else_=meters.c.last_date),
                "updated_at": func.now(),
            },
        )
    )


def _meter(row: Any) -> Meter:
    last = None
    if row.last_values is not None and row.last_date is not None:
        last = LastReading(values_from_json(row.last_values), row.last_date)
    return Meter(row.id, row.region_code, row.account_number, row.serial_number, row.zones, row.digits, last)


async def of_account(session: AsyncSession, region_code: str, number: str) -> list[Meter]:
    rows = await session.execute(
        select(meters)
        .where(meters.c.region_code == region_code, meters.c.account_number == number, meters.c.removed.is_(False))
        .order_by(meters.c.serial_number)
    )
    return [_meter(row) for row in rows]


async def linked_meter(
    session: AsyncSession, user_id: UUID, account_id: UUID, meter_id: UUID
) -> tuple[Account, Meter] | None:
    """The account and this meter of it, when the account is linked to this user now; None for
    an unknown, foreign or unlinked account and for a meter not on it alike. One query where a
    submission made two (the linked account, then the meter): docs/performance.md."""
    row = (
        await session.execute(
            select(meters, accounts.c.id.label("linked_account_id"))
            .join(
                accounts,
                and_(accounts.c.region_code == meters.c.region_code, accounts.c.number == meters.c.account_number),
            )
            .join(account_links, account_links.c.account_id == accounts.c.id)
            .where(
                accounts.c.id == account_id,
                account_links.c.user_id == user_id,
                account_links.c.linked,
                meters.c.id == meter_id,
                meters.c.removed.is_(False),
            )
        )
    ).first()
    if row is None:
        return None
    return Account(row.linked_account_id, row.region_code, row.account_number), _meter(row)


async def by_serial(session: AsyncSession, region_code: str, number: str, serial: str) -> Meter | None:
    row = (
        await session.execute(
            select(meters).where(
                meters.c.region_code == region_code,
                meters.c.account_number == number,
                meters.c.serial_number == serial,
                meters.c.removed.is_(False),
            )
        )
    ).first()
    return _meter(row) if row else None
