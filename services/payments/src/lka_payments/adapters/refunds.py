"""SQL of refunds: the idempotent request, the payment row's lock every refund takes, guarded
status changes, and the sum the payment keeps of what went back."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from sqlalchemy import case, func, insert, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.repository import PAYMENT_COLUMNS, payment_of
from lka_payments.adapters.tables import payments, refunds
from lka_payments.domain.model import Payment
from lka_payments.domain.refunds import Refund, RefundStatus

REFUND_COLUMNS = [refunds.c[field.name] for field in fields(Refund)]


def refund_of(row: RowMapping | None) -> Refund | None:
    return None if row is None else Refund(**{column.name: row[column.name] for column in REFUND_COLUMNS})


async def lock_key(session: AsyncSession, requested_by: uuid.UUID, key: str) -> None:
    """Serialize requests with the same requester and key until this transaction ends."""
    lock = func.pg_advisory_xact_lock(func.hashtextextended(f"refunds:{requested_by}:{key}", 0))
    await session.execute(select(lock))


async def by_key(session: AsyncSession, requested_by: uuid.UUID, key: str) -> Refund | None:
    query = select(*REFUND_COLUMNS).where(refunds.c.requested_by == requested_by, refunds.c.idempotency_key == key)
    return refund_of((await session.execute(query)).mappings().first())


async def lock_payment(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """The payment, its row locked to the end of the transaction: every refund of it takes this
    lock before it counts what is left, so two requests at once are counted one after the other."""
    query = select(*PAYMENT_COLUMNS).where(payments.c.id == payment_id).with_for_update()
    return payment_of((await session.execute(query)).mappings().first())


async def of_payment(session: AsyncSession, payment_id: uuid.UUID) -> list[Refund]:
    query = select(*REFUND_COLUMNS).where(refunds.c.payment_id == payment_id).order_by(refunds.c.created_at)
    return [r for row in (await session.execute(query)).mappings() if (r := refund_of(row)) is not None]


async def add(session: AsyncSession, values: dict[str, Any]) -> Refund:
    query = insert(refunds).values(**values, created_at=func.now(), updated_at=func.now()).returning(*REFUND_COLUMNS)
    made = refund_of((await session.execute(query)).mappings().first())
    assert made is not None
    return made


async def get(session: AsyncSession, refund_id: uuid.UUID, lock: bool = False) -> Refund | None:
    query = select(*REFUND_COLUMNS).where(refunds.c.id == refund_id)
    if lock:
        query = query.with_for_update()
    return refund_of((await session.execute(query)).mappings().first())


async def move(session: AsyncSession, refund_id: uuid.UUID, current: RefundStatus, **values: Any) -> Refund | None:
    """Change a refund still in `current`; None if someone moved it first."""
    query = (
        update(refunds)
        .where(refunds.c.id == refund_id, refunds.c.status == current)
        .values(**values, updated_at=func.now())
        .returning(*REFUND_COLUMNS)
    )
    return refund_of((await session.execute(query)).mappings().first())


async def add_refunded(session: AsyncSession, payment_id: uuid.UUID, kopecks: int) -> Payment:
    """Count money given back on the payment; given back in full, it turns `refunded`."""
    total = payments.c.refunded_kopecks + kopecks
    query = (
        update(payments)
        .where(payments.c.id == payment_id)
        .values(
            refunded_kopecks=total,
            status=case((total >= payments.c.amount_kopecks, "refunded"), else_=payments.c.status),
            updated_at=func.now(),
        )
        .returning(*PAYMENT_COLUMNS)
    )
    moved = payment_of((await session.execute(query)).mappings().first())
    assert moved is not None
    return moved


async def claim_unsettled(session: AsyncSession, older_than_s: float, batch: int) -> list[uuid.UUID]:
    """Refunds left `pending` (their bank answer never recorded) for longer than `older_than_s`,
    pushed back by as much again; SKIP LOCKED so two pollers never take the same one."""
    rows = await session.execute(
        text(
            """
            UPDATE refunds SET updated_at = now()
             WHERE id IN (SELECT id FROM refunds
                           WHERE status = 'pending' AND updated_at < now() - make_interval(secs => :older)
                           ORDER BY updated_at LIMIT :batch FOR UPDATE SKIP LOCKED)
            RETURNING id
            """
        ),
        {"older": older_than_s, "batch": batch},
    )
    return [row[0] for row in rows]


async def listing(session: AsyncSession, status: RefundStatus | None, limit: int, offset: int) -> list[Refund]:
    """Refunds newest first, of one status if given (`awaiting_approval`: the supervisors' queue)."""
    query = select(*REFUND_COLUMNS)
    if status is not None:
        query = query.where(refunds.c.status == status)
    query = query.order_by(refunds.c.created_at.desc(), refunds.c.id).limit(limit).offset(offset)
    return [r for row in (await session.execute(query)).mappings() if (r := refund_of(row)) is not None]
