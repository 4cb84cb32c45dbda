"""Bills as billing issued them: stored once per bill id, listed per account newest first."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import bills
from lka_accounts.domain.bills import Bill, BillLine
from lka_common.events.billing import BillingBillIssued

_COLUMNS = [c for c in bills.c if c.name != "received_at"]
_NEWEST_FIRST = (bills.c.period.desc(), bills.c.issued_at.desc(), bills.c.id)


def bill_from(data: BillingBillIssued) -> Bill:
    lines = tuple(
        BillLine(line.title, line.zone, line.quantity_kwh, line.price_kopecks, line.amount_kopecks)
        for line in data.lines
    )
    return Bill(
        id=data.bill_id,
        region_code=data.region_code,
        account_number=data.account_number,
        period=data.period,
        issued_at=data.issued_at,
        opening_balance_kopecks=data.opening_balance_kopecks,
        lines=lines,
        payments_kopecks=data.payments_kopecks,
        penalty_kopecks=data.penalty_kopecks,
        total_due_kopecks=data.total_due_kopecks,
        due_date=data.due_date,
    )


async def add(session: AsyncSession, bill: Bill) -> bool:
    """Store a bill; False when its id is stored already (billing said it again)."""
    lines = [
        {
            "title": line.title,
            "zone": line.zone,
            "quantity_kwh": format(line.quantity_kwh, "f"),
            "price_kopecks": line.price_kopecks,
            "amount_kopecks": line.amount_kopecks,
        }
        for line in bill.lines
    ]
    result = await session.execute(
        insert(bills)
        .values(
            id=bill.id,
            region_code=bill.region_code,
            number=bill.account_number,
            period=bill.period,
            issued_at=bill.issued_at,
            opening_balance_kopecks=bill.opening_balance_kopecks,
            lines=lines,
            payments_kopecks=bill.payments_kopecks,
            penalty_kopecks=bill.penalty_kopecks,
            total_due_kopecks=bill.total_due_kopecks,
            due_date=bill.due_date,
            received_at=func.now(),
        )
        .on_conflict_do_nothing(index_elements=[bills.c.id])
        .returning(bills.c.id)
    )
    return result.first() is not None


async def of_account(session: AsyncSession, region_code: str, number: str, limit: int, offset: int) -> list[Bill]:
    rows = await session.execute(
        select(*_COLUMNS)
        .where(bills.c.region_code == region_code, bills.c.number == number)
        .order_by(*_NEWEST_FIRST)
        .limit(limit)
        .offset(offset)
    )
    return [_bill(row._mapping) for row in rows]


async def one(session: AsyncSession, region_code: str, number: str, bill_id: str) -> Bill | None:
    """The bill if it is this account's; None for an unknown one and another account's alike."""
    row = (
        await session.execute(
            select(*_COLUMNS).where(bills.c.id == bill_id, bills.c.region_code == region_code, bills.c.number == number)
        )
    ).first()
    return _bill(row._mapping) if row else None


def _bill(row: Any) -> Bill:
    lines = tuple(
        BillLine(
            line["title"], line["zone"], Decimal(line["quantity_kwh"]), line["price_kopecks"], line["amount_kopecks"]
        )
        for line in row["lines"]
    )
    issued_at: datetime = row["issued_at"]
    return Bill(
        id=row["id"],
        region_code=row["region_code"],
        account_number=row["number"],
        period=row["period"],
        issued_at=issued_at,
        opening_balance_kopecks=row["opening_balance_kopecks"],
        lines=lines,
        payments_kopecks=row["payments_kopecks"],
        penalty_kopecks=row["penalty_kopecks"],
        total_due_kopecks=row["total_due_kopecks"],
        due_date=row["due_date"],
    )
