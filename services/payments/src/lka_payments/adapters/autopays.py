"""SQL of autopay: the autopays themselves, the attempts keyed (account, month, attempt), and the
letters sent once (account, month, kind). Reads answer domain objects, never rows."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.tables import autopay_charges, autopay_notices, autopays
from lka_payments.domain.autopay import Autopay

_COLUMNS = [autopays.c[field.name] for field in fields(Autopay)]


def _autopay(row: RowMapping | None) -> Autopay | None:
    return None if row is None else Autopay(**{column.name: row[column.name] for column in _COLUMNS})


async def of_account(session: AsyncSession, account_id: uuid.UUID) -> Autopay | None:
    query = select(*_COLUMNS).where(autopays.c.account_id == account_id)
    return _autopay((await session.execute(query)).mappings().first())


async def put(session: AsyncSession, values: dict[str, Any]) -> Autopay:
    """Set the account's autopay (a new one, or changed, or turned on again)."""
    statement = insert(autopays).values(**values, status="active", created_at=func.now(), updated_at=func.now())
    changed = ("user_id", "card_id", "day_of_month", "max_amount_kopecks", "region_code", "account_number")
    upsert = statement.on_conflict_do_update(
        index_elements=[autopays.c.account_id],
        set_={**{name: statement.excluded[name] for name in changed}, "status": "active", "disabled_reason": None}
        | {"updated_at": func.now()},
    ).returning(*_COLUMNS)
    made = _autopay((await session.execute(upsert)).mappings().first())
    assert made is not None
    return made


async def remove(session: AsyncSession, account_id: uuid.UUID) -> None:
    await session.execute(delete(autopays).where(autopays.c.account_id == account_id))


async def disable(session: AsyncSession, account_id: uuid.UUID, reason: str) -> Autopay | None:
    """Turn an active autopay off; None if it was not active (someone else did it first)."""
    query = (
        update(autopays)
        .where(autopays.c.account_id == account_id, autopays.c.status == "active")
        .values(status="disabled", disabled_reason=reason, updated_at=func.now())
        .returning(*_COLUMNS)
    )
    return _autopay((await session.execute(query)).mappings().first())


async def active_on_day(session: AsyncSession, day_of_month: int, after: uuid.UUID, limit: int) -> list[Autopay]:
    """Active autopays of that day, past the cursor (`after`), in account order: a run's batches."""
    query = (
        select(*_COLUMNS)
        .where(autopays.c.status == "active", autopays.c.day_of_month == day_of_month, autopays.c.account_id > after)
        .order_by(autopays.c.account_id)
        .limit(limit)
    )
    return [a for row in (await session.execute(query)).mappings() if (a := _autopay(row)) is not None]


async def charge(session: AsyncSession, account_id: uuid.UUID, period: str, attempt: int) -> RowMapping | None:
    query = select(autopay_charges).where(
        autopay_charges.c.account_id == account_id,
        autopay_charges.c.period == period,
        autopay_charges.c.attempt == attempt,
    )
    return (await session.execute(query)).mappings().first()


async def claim(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Claim an attempt's key; False if it was claimed before (by this run, an earlier one, another runner)."""
    statement = insert(autopay_charges).values(**values, status="claimed", claimed_at=func.now())
    claimed = await session.execute(statement.on_conflict_do_nothing().returning(autopay_charges.c.payment_id))
    return claimed.first() is not None


async def claimed(session: AsyncSession, limit: int, after: tuple[Any, ...] | None) -> list[RowMapping]:
    """Attempts claimed and not settled (their runner died, or the bank could not be read), oldest first."""
    query = select(autopay_charges).where(autopay_charges.c.status == "claimed")
    if after is not None:
        key = (autopay_charges.c.account_id, autopay_charges.c.period, autopay_charges.c.attempt)
        query = query.where(func.row(*key) > func.row(*after))
    query = query.order_by(autopay_charges.c.account_id, autopay_charges.c.period, autopay_charges.c.attempt)
    return list((await session.execute(query.limit(limit))).mappings())


async def settle_charge(
    session: AsyncSession, account_id: uuid.UUID, period: str, attempt: int, status: str, reason: str | None
) -> bool:
    """Settle a claimed attempt; False if it was settled already (another runner got there first)."""
    query = (
        update(autopay_charges)
        .where(
            and_(
                autopay_charges.c.account_id == account_id,
                autopay_charges.c.period == period,
                autopay_charges.c.attempt == attempt,
                autopay_charges.c.status == "claimed",
            )
        )
        .values(status=status, reason=reason, finished_at=func.now())
        .returning(autopay_charges.c.payment_id)
    )
    return (await session.execute(query)).first() is not None


async def note_sent(session: AsyncSession, account_id: uuid.UUID, period: str, kind: str) -> bool:
    """Record a letter's key; False if that letter was sent before."""
    statement = insert(autopay_notices).values(account_id=account_id, period=period, kind=kind, sent_at=func.now())
    return (
        await session.execute(statement.on_conflict_do_nothing().returning(autopay_notices.c.kind))
    ).first() is not None


async def last_charge(session: AsyncSession, account_id: uuid.UUID) -> RowMapping | None:
    query = (
        select(autopay_charges)
        .where(autopay_charges.c.account_id == account_id)
        .order_by(autopay_charges.c.claimed_at.desc(), autopay_charges.c.attempt.desc())
        .limit(1)
    )
    return (await session.execute(query)).mappings().first()
