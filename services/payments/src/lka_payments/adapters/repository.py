"""SQL of the payments table: the idempotent insert, reads, and the one guarded transition.
Reads answer `Payment`s and `PayableAccount`s (domain/model.py), never rows."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.access import links
from lka_payments.adapters.tables import payments
from lka_payments.domain.model import Outcome, PayableAccount, Payment

PAYMENT_COLUMNS = [payments.c[field.name] for field in fields(Payment)]


def payment_of(row: RowMapping | None) -> Payment | None:
    return None if row is None else Payment(**{column.name: row[column.name] for column in PAYMENT_COLUMNS})


async def lock_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> None:
    """Serialize requests with the same user and key until this transaction ends."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"payments:{user_id}:{key}", 0))))


async def by_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> Payment | None:
    query = select(*PAYMENT_COLUMNS).where(payments.c.user_id == user_id, payments.c.idempotency_key == key)
    return payment_of((await session.execute(query)).mappings().first())


async def payable(session: AsyncSession, account_id: uuid.UUID, user_id: uuid.UUID) -> PayableAccount | None:
    """The account while it is linked to this user; None for an unlinked, foreign or unknown one alike."""
    row = await links.linked_row(session, account_id, user_id)
    if row is None:
        return None
    return PayableAccount(row["account_id"], row["region_code"], row["account_number"])


async def add(session: AsyncSession, values: dict[str, Any], first_check_s: float) -> None:
    due = func.now() + text("make_interval(secs => :first)").bindparams(first=first_check_s)
    await session.execute(insert(payments).values(**values, next_check_at=due))


async def get(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    return payment_of(
        (await session.execute(select(*PAYMENT_COLUMNS).where(payments.c.id == payment_id))).mappings().first()
    )


async def by_order(session: AsyncSession, order_id: str) -> Payment | None:
    """The payment of the acquirer's order id (`mdOrder`)."""
    query = select(*PAYMENT_COLUMNS).where(payments.c.acquirer_order_id == order_id)
    return payment_of((await session.execute(query)).mappings().first())


def transition_values(outcome: Outcome) -> dict[str, Any]:
    """The columns a pending payment's outcome sets."""
    values: dict[str, Any] = {"status": outcome.status, "updated_at": func.now(), "failure_reason": outcome.reason}
    if outcome.status == "succeeded":
        values.update(paid_at=func.now(), card_brand=outcome.brand, pan_masked=outcome.pan_masked)
        values["approval_code"] = outcome.approval_code
    return values


async def transition(session: AsyncSession, payment_id: uuid.UUID, outcome: Outcome) -> Payment | None:
    """Move a pending payment to its outcome; None if it is not pending any more (someone
    else moved it first: under ten concurrent callbacks only one UPDATE finds the row)."""
    query = (
        update(payments)
        .where(payments.c.id == payment_id, payments.c.status == "pending")
        .values(**transition_values(outcome))
        .returning(*PAYMENT_COLUMNS)
    )
    return payment_of((await session.execute(query)).mappings().first())


async def claim_due(session: AsyncSession, batch: int, first_s: float, max_s: float) -> list[uuid.UUID]:
    """Pending payments due for a check, their next check pushed back (doubling, capped);
    SKIP LOCKED so several pollers never check the same payment at once."""
    rows = await session.execute(
        text(
            """
            UPDATE payments SET check_attempts = check_attempts + 1,
                   next_check_at = now() + make_interval(secs => least(:first * power(2, check_attempts), :max))
            WHERE id IN (SELECT id FROM payments WHERE status = 'pending' AND next_check_at <= now()
                         ORDER BY next_check_at LIMIT :batch FOR UPDATE SKIP LOCKED)
            RETURNING id
            """
        ),
        {"first": first_s, "max": max_s, "batch": batch},
    )
    return [row[0] for row in rows]
