"""SQL of the payments table: the idempotent insert, reads, and the one guarded transition."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.tables import account_access, payments
from lka_payments.domain.model import Outcome


async def lock_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> None:
    """Serialize requests with the same user and key until this transaction ends."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"payments:{user_id}:{key}", 0))))


async def by_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> RowMapping | None:
    query = select(payments).where(payments.c.user_id == user_id, payments.c.idempotency_key == key)
    return (await session.execute(query)).mappings().first()


async def access(session: AsyncSession, account_id: uuid.UUID, user_id: uuid.UUID) -> RowMapping | None:
    query = select(account_access).where(account_access.c.account_id == account_id, account_access.c.user_id == user_id)
    return (await session.execute(query)).mappings().first()


async def add(session: AsyncSession, values: dict[str, Any], first_check_s: float) -> None:
    due = func.now() + text("make_interval(secs => :first)").bindparams(first=first_check_s)
    await session.execute(insert(payments).values(**values, next_check_at=due))


async def get(session: AsyncSession, payment_id: uuid.UUID) -> RowMapping | None:
    return (await session.execute(select(payments).where(payments.c.id == payment_id))).mappings().first()


async def id_by_order(session: AsyncSession, order_id: str) -> RowMapping | None:
    query = select(payments.c.id, payments.c.order_number, payments.c.amount_kopecks)
    return (await session.execute(query.where(payments.c.acquirer_order_id == order_id))).mappings().first()


async def transition(session: AsyncSession, payment_id: uuid.UUID, outcome: Outcome) -> RowMapping | None:
    """Move a pending payment to its outcome; None if it is not pending any more (someone
    else moved it first: under ten concurrent callbacks only one UPDATE finds the row)."""
    values: dict[str, Any] = {"status": outcome.status, "updated_at": func.now(), "failure_reason": outcome.reason}
    if outcome.status == "succeeded":
        values.update(paid_at=func.now(), card_brand=outcome.brand, pan_masked=outcome.pan_masked)
        values["approval_code"] = outcome.approval_code
    query = (
        update(payments)
        .where(payments.c.id == payment_id, payments.c.status == "pending")
        .values(**values)
        .returning(payments)
    )
    moved: RowMapping | None = (await session.execute(query)).mappings().first()
    return moved


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
