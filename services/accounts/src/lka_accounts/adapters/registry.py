"""The billing registry: accounts as billing last sent them, and portal payments billing has yet
to register (the `pending_payments` of an account)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import billing_accounts, portal_payments, regions
from lka_accounts.domain.model import AccountSummary, BillingAccount, Region
from lka_common.events.billing import BillingAccountUpdated

_ACCOUNT_COLUMNS = [c for c in billing_accounts.c if c.name != "updated_at"]


async def save(session: AsyncSession, data: BillingAccountUpdated) -> bool:
    """Take billing's state of an account if it is newer than ours; True when it changed anything.

    An equal `as_of` is a duplicate and an older one arrived late: neither may roll back a newer
    balance, so the update is conditional in the database itself (no read-then-write race).
    """
    values = {
        "owner_surname": data.owner_surname,
        "owner_initials": data.owner_initials,
        "address": data.address,
        "debt_kopecks": data.debt_kopecks,
        "penalty_kopecks": data.penalty_kopecks,
        "last_payment_kopecks": data.last_payment.amount_kopecks if data.last_payment else None,
        "last_payment_date": data.last_payment.date if data.last_payment else None,
        "as_of": data.as_of,
        "updated_at": func.now(),
    }
    statement = insert(billing_accounts).values(
        id=uuid.uuid4(), region_code=data.region_code, number=data.number, **values
    )
    result = await session.execute(
        statement.on_conflict_do_update(
            constraint="billing_accounts_region_number_key",
            set_=values,
            where=billing_accounts.c.as_of < statement.excluded.as_of,
        ).returning(billing_accounts.c.id)
    )
    return result.first() is not None


async def find(session: AsyncSession, region_code: str, number: str) -> BillingAccount | None:
    row = (
        await session.execute(
            select(*_ACCOUNT_COLUMNS).where(
                billing_accounts.c.region_code == region_code, billing_accounts.c.number == number
            )
        )
    ).first()
    return BillingAccount(**row._mapping) if row else None


async def find_many(
    session: AsyncSession, accounts: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], BillingAccount]:
    """The accounts billing knows among these (region, number) pairs."""
    if not accounts:
        return {}
    key = tuple_(billing_accounts.c.region_code, billing_accounts.c.number)
    rows = await session.execute(select(*_ACCOUNT_COLUMNS).where(key.in_(list(set(accounts)))))
    return {(row.region_code, row.number): BillingAccount(**row._mapping) for row in rows}


def pending_kopecks() -> Any:
    """Per account row: the sum of its portal payments that billing has not registered yet."""
    return (
        select(func.coalesce(func.sum(portal_payments.c.amount_kopecks), 0))
        .where(
            portal_payments.c.region_code == billing_accounts.c.region_code,
            portal_payments.c.number == billing_accounts.c.number,
            portal_payments.c.registered_at.is_(None),
        )
        .scalar_subquery()
    )


def summaries() -> Select[Any]:
    """Accounts with their region's name and pending payments; callers add WHERE and ORDER BY."""
    return select(
        *_ACCOUNT_COLUMNS, regions.c.name.label("region_name"), pending_kopecks().label("pending_kopecks")
    ).join(regions, regions.c.code == billing_accounts.c.region_code)


def to_summary(row: Any) -> AccountSummary:
    fields = dict(row._mapping)
    region = Region(code=fields["region_code"], name=fields.pop("region_name"))
    pending = int(fields.pop("pending_kopecks"))
    for extra in set(fields) - {c.name for c in _ACCOUNT_COLUMNS}:
        fields.pop(extra)
    return AccountSummary(account=BillingAccount(**fields), region=region, pending_kopecks=pending)


async def summary_by_number(session: AsyncSession, region_code: str, number: str) -> AccountSummary | None:
    row = (
        await session.execute(
            summaries().where(billing_accounts.c.region_code == region_code, billing_accounts.c.number == number)
        )
    ).first()
    return to_summary(row) if row else None


async def record_portal_payment(
    session: AsyncSession, payment_id: UUID, region_code: str, number: str, amount_kopecks: int, paid_at: datetime
) -> None:
    """A portal payment succeeded; pending until billing registers it (which may have happened
    already: billing's event can overtake ours, and then nothing is left pending)."""
    await session.execute(
        insert(portal_payments)
        .values(
            payment_id=payment_id,
            region_code=region_code,
            number=number,
            amount_kopecks=amount_kopecks,
            paid_at=paid_at,
        )
        .on_conflict_do_nothing(index_elements=["payment_id"])
    )


async def register_portal_payment(
    session: AsyncSession,
    payment_id: UUID,
    region_code: str,
    number: str,
    amount_kopecks: int,
    billing_payment_id: str,
    registered_at: datetime,
) -> None:
    """Billing registered a portal payment: it is no longer pending (recorded even before our own
    `payments.payment.succeeded.v1` arrives, so that one cannot make it pending again)."""
    statement = insert(portal_payments).values(
        payment_id=payment_id,
        region_code=region_code,
        number=number,
        amount_kopecks=amount_kopecks,
        registered_at=registered_at,
        billing_payment_id=billing_payment_id,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["payment_id"],
            set_={"registered_at": statement.excluded.registered_at, "billing_payment_id": billing_payment_id},
            where=portal_payments.c.registered_at.is_(None),
        )
    )
