"""What a submission reads and writes, in SQL to asyncpg (`DriverUnitOfWork`): the hot path of
the 24th of the month. The same tables as the other adapters (adapters/tables.py), without
SQLAlchemy's execution layer, which was most of a submission's CPU (docs/performance.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from lka_readings.adapters.meters import meter_columns, meter_from, values_to_json
from lka_readings.domain.model import Account, Meter, Source

Connection = Any  # asyncpg.Connection: asyncpg has no type hints

_METER_COLUMNS = meter_columns("m")

_LINKED_METER = f"""
    SELECT {_METER_COLUMNS}, a.id AS linked_account_id
    FROM meters m
    JOIN accounts a ON a.region_code = m.region_code AND a.number = m.account_number
    JOIN account_links l ON l.account_id = a.id
    WHERE a.id = $1 AND l.user_id = $2 AND l.linked AND m.id = $3 AND NOT m.removed
"""

_BY_SERIAL = f"""
    SELECT {_METER_COLUMNS}
    FROM meters m
    WHERE m.region_code = $1 AND m.account_number = $2 AND m.serial_number = $3 AND NOT m.removed
"""

_ACCOUNT_BY_NUMBER = "SELECT id FROM accounts WHERE region_code = $1 AND number = $2"

# The conflict target repeats the partial unique index's predicate literally: with a bound
# parameter, PostgreSQL's generic plan of the prepared statement could not match the index.
_ADD = """
    INSERT INTO readings (id, meter_id, account_id, region_code, account_number, meter_serial, reading_values,
                          values_key, submitted_at, billing_period, source, status, event_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, 'submitted', $12)
    ON CONFLICT (meter_id, billing_period, values_key) WHERE status <> 'rejected' DO NOTHING
    RETURNING id
"""

_SAME_AS = """
    SELECT id FROM readings
    WHERE meter_id = $1 AND billing_period = $2 AND values_key = $3 AND status <> 'rejected'
"""


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
    )
    return stored is not None


async def same_as(conn: Connection, meter_id: UUID, period: str, values: dict[str, Decimal]) -> UUID | None:
    found: UUID | None = await conn.fetchval(_SAME_AS, meter_id, period, values_key(values))
    return found
