"""Meters as billing last sent them (`billing.meter.updated.v1`), keyed by account and serial,
and the history of the readings billing accepted (each event's last reading, one per day).

Billing may repeat or reorder its events. The inbox absorbs exact repeats; beyond that, the
meter's description (zones, digits, removal) follows the event's `time` when billing gives one
(an older one never overwrites a newer), and the last reading never goes back to an older date.
A late event's reading still joins the history at its own date; of two for the same day, the
later event (by time, else by arrival) wins, as for the meter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.events.billing import BillingMeterUpdated
from lka_readings.adapters.tables import billing_readings, meter_by_serial, meters
from lka_readings.domain.model import LastReading, Meter


def values_to_json(values: dict[str, Decimal]) -> dict[str, str]:
    return {zone: format(value, "f") for zone, value in values.items()}


def values_from_json(stored: dict[str, str]) -> dict[str, Decimal]:
    return {zone: Decimal(value) for zone, value in stored.items()}


async def save(session: AsyncSession, data: BillingMeterUpdated, event_time: datetime | None) -> None:
    last = data.last_reading
    last_values = values_to_json({str(zone): value for zone, value in last.values.items()}) if last else None
    statement = insert(meters).values(
        id=uuid.uuid4(),
        region_code=data.region_code,
        account_number=data.account_number,
        serial_number=data.serial_number,
        zones=data.zones,
        digits=data.digits,
        last_values=last_values,
        last_date=last.date if last else None,
        removed=data.removed,
        event_time=event_time,
        updated_at=func.now(),
        verification_due=data.verification_due,
    )
    new = statement.excluded
    # Without times on both sides there is nothing to order by: the later arrival wins.
    description_newer = or_(
        new.event_time.is_(None), meters.c.event_time.is_(None), meters.c.event_time <= new.event_time
    )
    reading_newer = and_(
        new.last_date.is_not(None), or_(meters.c.last_date.is_(None), meters.c.last_date <= new.last_date)
    )
    meter_id = await session.scalar(
        statement.on_conflict_do_update(
            constraint=meter_by_serial,
            set_={
                "zones": case((description_newer, new.zones), else_=meters.c.zones),
                "digits": case((description_newer, new.digits), else_=meters.c.digits),
                "removed": case((description_newer, new.removed), else_=meters.c.removed),
                "verification_due": case((description_newer, new.verification_due), else_=meters.c.verification_due),
                "event_time": case((description_newer, new.event_time), else_=meters.c.event_time),
                "last_values": case((reading_newer, new.last_values), else_=meters.c.last_values),
                "last_date": case((reading_newer, new.last_date), else_=meters.c.last_date),
                "updated_at": func.now(),
            },
        ).returning(meters.c.id)
    )
    if last is not None and last_values is not None:
        await _remember(session, meter_id, last.date, last_values, event_time)


async def _remember(
    session: AsyncSession, meter_id: uuid.UUID, taken_on: date, values: dict[str, str], event_time: datetime | None
) -> None:
    """One reading billing accepted, into the meter's history."""
    statement = insert(billing_readings).values(
        meter_id=meter_id, taken_on=taken_on, reading_values=values, event_time=event_time, recorded_at=func.now()
    )
    new = statement.excluded
    newer = or_(
        new.event_time.is_(None),
        billing_readings.c.event_time.is_(None),
        billing_readings.c.event_time <= new.event_time,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[billing_readings.c.meter_id, billing_readings.c.taken_on],
            set_={"reading_values": new.reading_values, "event_time": new.event_time, "recorded_at": func.now()},
            where=newer,
        )
    )


async def matches(session: AsyncSession, region_code: str, number: str, serial: str) -> bool:
    """Whether the account has this meter (the public form's three fields agree)."""
    found = await session.execute(
        select(meters.c.id).where(
            meters.c.region_code == region_code,
            meters.c.account_number == number,
            meters.c.serial_number == serial,
            meters.c.removed.is_(False),
        )
    )
    return found.first() is not None


# The columns `meter_from` reads, for the statements other adapters select meters with.
METER_COLUMNS = (
    meters.c.id,
    meters.c.region_code,
    meters.c.account_number,
    meters.c.serial_number,
    meters.c.zones,
    meters.c.digits,
    meters.c.last_values,
    meters.c.last_date,
)


def meter_from(row: Mapping[Any, Any]) -> Meter:
    """A meter from its row: a SQLAlchemy row's `_mapping` or an asyncpg record alike."""
    last = None
    if row["last_values"] is not None and row["last_date"] is not None:
        last = LastReading(values_from_json(row["last_values"]), row["last_date"])
    return Meter(
        row["id"], row["region_code"], row["account_number"], row["serial_number"], row["zones"], row["digits"], last
    )
