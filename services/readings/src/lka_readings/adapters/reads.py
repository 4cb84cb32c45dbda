"""The read side's queries (meters, history, consumption of an account linked to the caller), on
asyncpg itself (`DriverUnitOfWork`): three of the five calls of a subscriber's visit, where
SQLAlchemy's execution layer was most of the CPU (docs/performance.md). The statements are
SQLAlchemy Core on adapters/tables.py, compiled once at import (lka_common.uow.driver_sql);
who may see an account is lka_common.access's condition (`links.linked`).

`sent` is not stored: a reading whose submitted event the relay has published (its outbox row
is marked, or already pruned) is shown as sent, so the status never claims more than happened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.dialects.postgresql import distinct_on

from lka_common.messaging.tables import outbox
from lka_common.uow import driver_sql
from lka_readings.adapters.access import links
from lka_readings.adapters.meters import METER_COLUMNS, meter_from, values_from_json
from lka_readings.adapters.tables import account_links, accounts, billing_readings, meters, not_rejected, readings
from lka_readings.domain.consumption import Point
from lka_readings.domain.model import Account, Meter, Reading
from lka_readings.domain.periods import local_date, period_of_day

Connection = Any  # asyncpg.Connection: asyncpg has no type hints

_LINKED_ACCOUNT = driver_sql(
    select(accounts.c.id, accounts.c.region_code, accounts.c.number)
    .join_from(accounts, account_links, account_links.c.account_id == accounts.c.id)
    .where(links.linked(bindparam("account_id"), bindparam("user_id"))),
    "account_id",
    "user_id",
)

_METERS = driver_sql(
    select(*METER_COLUMNS)
    .where(
        meters.c.region_code == bindparam("region_code"),
        meters.c.account_number == bindparam("account_number"),
        ~meters.c.removed,
    )
    .order_by(meters.c.serial_number),
    "region_code",
    "account_number",
)

_OF_ACCOUNT = (
    readings.c.region_code == bindparam("region_code"),
    readings.c.account_number == bindparam("account_number"),
)

_UNPUBLISHED = exists().where(outbox.c.message_id == readings.c.event_id, outbox.c.published_at.is_(None))

_HISTORY = driver_sql(
    select(
        readings.c.id,
        readings.c.meter_id,
        readings.c.reading_values,
        readings.c.submitted_at,
        readings.c.billing_period,
        readings.c.source,
        readings.c.status,
        readings.c.status_reason,
        readings.c.estimate_kopecks,
        readings.c.estimate_tariff_id,
        _UNPUBLISHED.label("unpublished"),
    )
    .where(*_OF_ACCOUNT)
    .order_by(readings.c.submitted_at.desc(), readings.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset")),
    "region_code",
    "account_number",
    "limit",
    "offset",
)

# For each meter and period, its latest accepted reading and its latest undecided one (a
# rejected reading never counts): consumption's readings of ours.
_OURS_PER_PERIOD = driver_sql(
    select(
        readings.c.meter_id,
        readings.c.billing_period,
        readings.c.reading_values,
        readings.c.submitted_at,
        readings.c.status,
    )
    .ext(distinct_on(readings.c.meter_id, readings.c.billing_period, readings.c.status))
    .where(*_OF_ACCOUNT, not_rejected)
    .order_by(readings.c.meter_id, readings.c.billing_period, readings.c.status, readings.c.submitted_at.desc()),
    "region_code",
    "account_number",
)

# Billing's accepted readings of the account's meters, as its meter events named them.
_BILLED = driver_sql(
    select(
        billing_readings.c.meter_id,
        billing_readings.c.taken_on,
        billing_readings.c.reading_values,
        func.coalesce(billing_readings.c.event_time, billing_readings.c.recorded_at).label("at"),
    )
    .join_from(billing_readings, meters, meters.c.id == billing_readings.c.meter_id)
    .where(
        meters.c.region_code == bindparam("region_code"),
        meters.c.account_number == bindparam("account_number"),
        ~meters.c.removed,
    ),
    "region_code",
    "account_number",
)


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
            row["estimate_kopecks"],
            row["estimate_tariff_id"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ConsumptionPoints:
    """What consumption is computed from: the accepted points of each meter of an account, and
    each meter's newest undecided reading."""

    accepted: dict[UUID, list[Point]]
    waiting: dict[UUID, Point]


async def consumption_points(conn: Connection, account: Account, closing_day: int) -> ConsumptionPoints:
    accepted: dict[UUID, list[Point]] = defaultdict(list)
    waiting: dict[UUID, Point] = {}
    for row in await conn.fetch(_OURS_PER_PERIOD, account.region_code, account.number):
        at = row["submitted_at"]
        point = Point(
            row["meter_id"], row["billing_period"], local_date(at), at, values_from_json(row["reading_values"]), True
        )
        if row["status"] == "accepted":
            accepted[point.meter_id].append(point)
        elif point.meter_id not in waiting or waiting[point.meter_id].at < at:
            waiting[point.meter_id] = point
    for row in await conn.fetch(_BILLED, account.region_code, account.number):
        day = row["taken_on"]
        point = Point(
            row["meter_id"], period_of_day(day, closing_day), day, row["at"], values_from_json(row["reading_values"])
        )
        accepted[point.meter_id].append(point)
    return ConsumptionPoints(dict(accepted), waiting)
