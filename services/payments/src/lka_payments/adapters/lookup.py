"""SQL of the staff's payment lookup: by account, status and local day, newest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.repository import PAYMENT_COLUMNS, payment_of
from lka_payments.adapters.tables import payments
from lka_payments.domain.model import Payment, PaymentStatus

LOCAL_TIME = ZoneInfo("Europe/Simferopol")


def day_start(day: date) -> datetime:
    """The first moment of a supplier's day (Europe/Simferopol)."""
    return datetime.combine(day, time(), LOCAL_TIME)


async def search(
    session: AsyncSession,
    region_code: str | None,
    account_number: str | None,
    status: PaymentStatus | None,
    day_from: date | None,
    day_to: date | None,
    limit: int,
    offset: int,
) -> list[Payment]:
    """Payments created in [day_from, day_to] (both whole local days), the filters given."""
    query = select(*PAYMENT_COLUMNS)
    if region_code is not None:
        query = query.where(payments.c.region_code == region_code)
    if account_number is not None:
        query = query.where(payments.c.account_number == account_number)
    if status is not None:
        query = query.where(payments.c.status == status)
    if day_from is not None:
        query = query.where(payments.c.created_at >= day_start(day_from))
    if day_to is not None:
        query = query.where(payments.c.created_at < day_start(day_to + timedelta(days=1)))
    query = query.order_by(payments.c.created_at.desc(), payments.c.id.desc()).limit(limit).offset(offset)
    return [p for row in (await session.execute(query)).mappings() if (p := payment_of(row)) is not None]
