"""What a submission reads and writes, on asyncpg itself (`DriverUnitOfWork`): the hot path of
the 24th of the month, without SQLAlchemy's execution layer, which was most of a submission's
CPU (docs/performance.md). The statements are SQLAlchemy Core on the tables of
adapters/tables.py, compiled once at import (lka_common.uow.driver_sql).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, literal_column, or_, select
from sqlalchemy.dialects.postgresql import insert

from lka_common.uow import driver_sql
from lka_readings.adapters.access import links
from lka_readings.adapters.meters import METER_COLUMNS, meter_from, values_to_json
from lka_readings.adapters.tables import (
    account_links,
    account_tariffs,
    accounts,
    meters,
    not_rejected,
    reading_once,
    readings,
    tariffs,
)
from lka_readings.domain.estimates import TariffVersion
from lka_readings.domain.model import Account, Estimate, Meter, Source

Connection = Any  # asyncpg.Connection: asyncpg has no type hints

_LINKED_METER = driver_sql(
    select(*METER_COLUMNS, accounts.c.id.label("linked_account_id"))
    .join_from(
        meters,
        accounts,
        and_(accounts.c.region_code == meters.c.region_code, accounts.c.number == meters.c.account_number),
    )
    .join(account_links, account_links.c.account_id == accounts.c.id)
    .where(
        links.linked(bindparam("account_id"), bindparam("user_id")),
        meters.c.id == bindparam("meter_id"),
        ~meters.c.removed,
    ),
    "account_id",
    "user_id",
    "meter_id",
)

_BY_SERIAL = driver_sql(
    select(*METER_COLUMNS).where(
        meters.c.region_code == bindparam("region_code"),
        meters.c.account_number == bindparam("account_number"),
        meters.c.serial_number == bindparam("serial_number"),
        ~meters.c.removed,
    ),
    "region_code",
    "account_number",
    "serial_number",
)

_ACCOUNT_BY_NUMBER = driver_sql(
    select(accounts.c.id).where(
        accounts.c.region_code == bindparam("region_code"), accounts.c.number == bindparam("number")
    ),
    "region_code",
    "number",
)

# The versions of the account's tariff valid on a day, in its region or every region: the
# estimate picks one (domain/estimates.py). One indexed lookup on each table's primary key.
_TARIFF_VERSIONS = driver_sql(
    select(
        tariffs.c.tariff_id,
        tariffs.c.region_code,
        tariffs.c.zones,
        tariffs.c.prices_kopecks,
        tariffs.c.valid_from,
        tariffs.c.valid_to,
    )
    .join_from(account_tariffs, tariffs, tariffs.c.tariff_id == account_tariffs.c.tariff_id)
    .where(
        account_tariffs.c.region_code == bindparam("region_code"),
        account_tariffs.c.account_number == bindparam("account_number"),
        tariffs.c.valid_from <= bindparam("day"),
        or_(tariffs.c.valid_to.is_(None), tariffs.c.valid_to >= bindparam("day")),
        or_(tariffs.c.region_code.is_(None), tariffs.c.region_code == account_tariffs.c.region_code),
    ),
    "region_code",
    "account_number",
    "day",
)

# The columns a new reading is given, in the order `add` passes them; its status is 'submitted'.
_NEW_READING = (
    "id",
    "meter_id",
    "account_id",
    "region_code",
    "account_number",
    "meter_serial",
    "reading_values",
    "values_key",
    "submitted_at",
    "billing_period",
    "source",
    "event_id",
    "estimate_kopecks",
    "estimate_tariff_id",
)

# The conflict target is the partial unique index itself, its predicate a literal (tables.py).
_ADD = driver_sql(
    insert(readings)
    .values({name: bindparam(name) for name in _NEW_READING} | {"status": literal_column("'submitted'")})
    .on_conflict_do_nothing(
        index_elements=reading_once.expressions, index_where=reading_once.dialect_options["postgresql"]["where"]
    )
    .returning(readings.c.id),
    *_NEW_READING,
)

_SAME_AS = driver_sql(
    select(readings.c.id).where(
        readings.c.meter_id == bindparam("meter_id"),
        readings.c.billing_period == bindparam("billing_period"),
        readings.c.values_key == bindparam("values_key"),
        not_rejected,
    ),
    "meter_id",
    "billing_period",
    "values_key",
)


@dataclass(frozen=True)
class NewReading:
    id: UUID
    account: Account
    meter: Meter
    values: dict[str, Decimal]
    submitted_at: datetime
    billing_period: str
    source: Source
    event_id: UUID
    estimate: Estimate | None = None


def values_key(values: dict[str, Decimal]) -> str:
    """One spelling of a set of values (12456 and 12456.00 are the same reading)."""
    return ";".join(f"{zone}={value.quantize(Decimal('0.01'))}" for zone, value in sorted(values.items()))


async def linked_meter(
    conn: Connection, user_id: UUID, account_id: UUID, meter_id: UUID
) -> tuple[Account, Meter] | None:
    """The account and this meter of it, when the account is linked to this user now; None for
    an unknown, foreign or unlinked account and for a meter not on it alike (one query)."""
    row = await conn.fetchrow(_LINKED_METER, account_id, user_id, meter_id)
    if row is None:
        return None
    return Account(row["linked_account_id"], row["region_code"], row["account_number"]), meter_from(row)


async def by_serial(conn: Connection, region_code: str, number: str, serial: str) -> Meter | None:
    row = await conn.fetchrow(_BY_SERIAL, region_code, number, serial)
    return meter_from(row) if row else None


async def account_by_number(conn: Connection, region_code: str, number: str) -> Account | None:
    account_id = await conn.fetchval(_ACCOUNT_BY_NUMBER, region_code, number)
    return Account(account_id, region_code, number) if account_id else None


async def tariff_versions(conn: Connection, account: Account, day: date) -> list[TariffVersion]:
    """The versions of the account's tariff valid on this day (none without a known tariff)."""
    rows = await conn.fetch(_TARIFF_VERSIONS, account.region_code, account.number, day)
    return [
        TariffVersion(
            row["tariff_id"],
            row["region_code"],
            row["zones"],
            {zone: int(price) for zone, price in row["prices_kopecks"].items()},
            row["valid_from"],
            row["valid_to"],
        )
        for row in rows
    ]


async def add(conn: Connection, new: NewReading) -> bool:
    """Store the reading; False when the same one is already there (the unique index decides
    between racing requests, so exactly one of them stores it)."""
    stored = await conn.fetchval(
        _ADD,
        new.id,
        new.meter.id,
        new.account.id,
        new.account.region_code,
        new.account.number,
        new.meter.serial_number,
        json.dumps(values_to_json(new.values)),
        values_key(new.values),
        new.submitted_at,
        new.billing_period,
        new.source,
        new.event_id,
        new.estimate.amount_kopecks if new.estimate else None,
        new.estimate.tariff_id if new.estimate else None,
    )
    return stored is not None


async def same_as(conn: Connection, meter_id: UUID, period: str, values: dict[str, Decimal]) -> UUID | None:
    found: UUID | None = await conn.fetchval(_SAME_AS, meter_id, period, values_key(values))
    return found
