"""Tariffs and each account's tariff, as billing announces them (`billing.tariff.updated.v1`,
`billing.account.updated.v1`), for the estimates (domain/estimates.py).

Billing may repeat or reorder its events: a version of a tariff (its id and `valid_from`)
follows the event's time when both have one (an older never overwrites a newer; without times
the later arrival wins); an account's tariff follows `as_of`, the newest winning, as the
accounts service's registry does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.events.billing import BillingAccountUpdated, BillingTariffUpdated
from lka_readings.adapters.tables import account_tariffs, tariffs


async def save_tariff(session: AsyncSession, data: BillingTariffUpdated, event_time: datetime | None) -> None:
    values = {
        "valid_to": data.valid_to,
        "region_code": data.region_code,
        "zones": data.zones,
        "prices_kopecks": {zone: price for zone, price in data.prices_kopecks.items()},
        "event_time": event_time,
        "updated_at": func.now(),
    }
    statement = insert(tariffs).values(tariff_id=data.tariff_id, valid_from=data.valid_from, **values)
    new = statement.excluded
    newer = or_(new.event_time.is_(None), tariffs.c.event_time.is_(None), tariffs.c.event_time <= new.event_time)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[tariffs.c.tariff_id, tariffs.c.valid_from],
            set_={name: getattr(new, name) for name in values},
            where=newer,
        )
    )


async def save_account_tariff(session: AsyncSession, data: BillingAccountUpdated) -> None:
    statement = insert(account_tariffs).values(
        region_code=data.region_code, account_number=data.number, tariff_id=data.tariff_id, as_of=data.as_of
    )
    new = statement.excluded
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[account_tariffs.c.region_code, account_tariffs.c.account_number],
            set_={"tariff_id": new.tariff_id, "as_of": new.as_of},
            where=account_tariffs.c.as_of < new.as_of,
        )
    )
