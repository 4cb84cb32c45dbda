"""A payment's story beyond its columns (`payment_events`): a line per thing that happened to it,
written in the transaction of what it tells, read back oldest first by the staff's story view."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.tables import payment_events

# What a line may say happened (`kind`): the bank's callback, a read of the order's status, an
# event we published, a refund's steps, and the day's reconciliation when it touched the payment.
CALLBACK = "callback_received"
POLLED = "status_polled"
EVENT = "event_published"
REFUND_REQUESTED = "refund_requested"
REFUND_APPROVED = "refund_approved"
REFUND_REJECTED = "refund_rejected"
REFUND_SUCCEEDED = "refund_succeeded"
REFUND_FAILED = "refund_failed"
RECONCILED = "reconciliation_resolved"


async def note(session: AsyncSession, payment_id: uuid.UUID, kind: str, **detail: Any) -> None:
    await note_many(session, [payment_id], kind, **detail)


async def note_many(session: AsyncSession, payment_ids: Iterable[uuid.UUID], kind: str, **detail: Any) -> None:
    rows = [{"payment_id": p, "kind": kind, "detail": detail, "at": func.clock_timestamp()} for p in payment_ids]
    for row in rows:
        await session.execute(insert(payment_events).values(**row))


async def of_payment(session: AsyncSession, payment_id: uuid.UUID) -> list[dict[str, Any]]:
    query = (
        select(payment_events.c.at, payment_events.c.kind, payment_events.c.detail)
        .where(payment_events.c.payment_id == payment_id)
        .order_by(payment_events.c.id)
    )
    return [dict(row) for row in (await session.execute(query)).mappings()]
