"""The read side's queries (meters, history, consumption of an account linked to the caller), in
SQL to asyncpg (`DriverUnitOfWork`): three of the five calls of a subscriber's visit, where
SQLAlchemy's execution layer was most of the CPU (docs/performance.md).

`sent` is not stored: a reading whose submitted event the relay has published (its outbox row
is marked, or already pruned) is shown as sent, so the status never claims more than happened.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from lka_readings.adapters.meters import meter_columns, meter_from, values_from_json
from lka_readings.domain.consumption import PeriodReading
from lka_readings.domain.model import Account, Meter, Reading
from lka_readings.domain.periods import local_date

Connection = Any  # asyncpg.Connection: asyncpg has no type hints

_LINKED_ACCOUNT = """
    SELECT a.id, a.region_code, a.number
    FROM accounts a JOIN account_links l ON l.account_id = a.id
    WHERE a.id = $1 AND l.user_id = $2 AND l.linked
"""

_METERS = f"""
    SELECT {meter_columns()}
    FROM meters
    WHERE region_code = $1 AND account_number = $2 AND NOT removed
    ORDER BY serial_number
"""

_HISTORY = """
    SELECT r.id, r.meter_id, r.reading_values, r.submitted_at, r.billing_period, r.source, r.status,
           r.status_reason,
           EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = r.event_id AND o.published_at IS NULL) AS unpublished
    FROM readings r
    WHERE r.region_code = $1 AND r.account_number = $2
    ORDER BY r.submitted_at DESC, r.id
    LIMIT $3 OFFSET $4
"""

_PER_PERIOD = """
    SELECT DISTINCT ON (meter_id, billing_period) meter_id, billing_period, reading_values, submitted_at
    FROM readings
    WHERE region_code = $1 AND account_number = $2 AND status <> 'rejected'
    ORDER BY meter_id, billing_period, submitted_at DESC
"""


async def linked_account(conn: Connection, user_id: UUID, account_id: UUID) -> Account | None:
    """The account if it is linked to this user now; None for unknown and foreign alike."""
    row = await conn.fetchrow(_LINKED_ACCOUNT, account_id, user_id)
    return Account(row["id"], row["region_code"], row["number"]) if row else None


async def meters_of(conn: Connection, account: Account) -> list[Meter]:
    return [meter_from(row) for row in await conn.fetch(_METERS, account.region_code, account.number)]


async def history(conn: Connection, account: Account, limit: int, offset: int) -> list[Reading]:
    rows = await conn.fetch(_HISTORY, account.region_code, account.number, limit, offset)
    return [
        Reading(
            row["id"],
            row["meter_id"],
            values_from_json(row["reading_values"]),
            row["submitted_at"],
            row["billing_period"],
            row["source"],
            "sent" if row["status"] == "submitted" and not row["unpublished"] else row["status"],
            row["status_reason"],
        )
        for row in rows
    ]


async def per_period(conn: Connection, account: Account) -> list[PeriodReading]:
    """For each meter and period of the account, its latest reading that billing did not reject."""
    rows = await conn.fetch(_PER_PERIOD, account.region_code, account.number)
    return [
        PeriodReading(
            row["meter_id"],
            row["billing_period"],
            values_from_json(row["reading_values"]),
            local_date(row["submitted_at"]),
        )
        for row in rows
    ]
