"""SQL of the day's reconciliation: what we recorded of the day's orders, the run's claim, and
its result (the day's row and its findings, replaced whole)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.lookup import day_start
from lka_payments.adapters.tables import reconciliation_discrepancies, reconciliations
from lka_payments.domain.reconciliation import Discrepancy, OurOrder, Result

# Ours of the day: payments of the registry's orders (any day), payments paid in the day, and
# the day's refunds that succeeded, each with its order.
_OURS = text(
    """
    SELECT p.id, p.acquirer_order_id, p.amount_kopecks, p.status,
           p.paid_at >= :start AND p.paid_at < :end AS paid_in_day,
           COALESCE((SELECT sum(r.amount_kopecks) FROM refunds r
                      WHERE r.payment_id = p.id AND r.status = 'succeeded'
                        AND r.refunded_at >= :start AND r.refunded_at < :end), 0) AS refunded_in_day,
           EXISTS (SELECT 1 FROM payment_events e
                    WHERE e.payment_id = p.id AND e.kind = 'reconciliation_resolved'
                      AND e.detail->>'date' = :day) AS resolved_before
      FROM payments p
     WHERE p.acquirer_order_id = ANY(:orders)
        OR (p.paid_at >= :start AND p.paid_at < :end)
        OR p.id IN (SELECT payment_id FROM refunds
                     WHERE status = 'succeeded' AND refunded_at >= :start AND refunded_at < :end)
    """
)


async def our_orders(session: AsyncSession, day: date, bank_order_ids: list[str]) -> dict[str, OurOrder]:
    """What we recorded of the day's orders, by the bank's order id."""
    params = {"start": day_start(day), "end": day_start(day + timedelta(days=1)), "orders": bank_order_ids}
    params["day"] = day.isoformat()
    parts: dict[str, list[Any]] = defaultdict(list)
    for row in (await session.execute(_OURS, params)).mappings():
        parts[row["acquirer_order_id"]].append(row)
    return {
        order_id: OurOrder(
            order_id=order_id,
            payment_ids=tuple(row["id"] for row in rows),
            amount=sum(row["amount_kopecks"] for row in rows),
            status=rows[0]["status"],
            paid_in_day=any(row["paid_in_day"] for row in rows),
            refunded_in_day=sum(row["refunded_in_day"] for row in rows),
            # Settled by an earlier run's poll of this day: a run again says so again.
            resolved_by_poll=any(row["resolved_before"] for row in rows),
        )
        for order_id, rows in parts.items()
    }


async def claim(session: AsyncSession, day: date, requested_by: uuid.UUID | None, stale_s: float) -> bool:
    """Mark the day's run started; False while another run of the day is under way (and not stale)."""
    query = (
        pg_insert(reconciliations)
        .values(day=day, status="running", runs=0, requested_by=requested_by, started_at=func.now())
        .on_conflict_do_update(
            index_elements=[reconciliations.c.day],
            set_={"status": "running", "requested_by": requested_by, "started_at": func.now(), "error": None},
            where=(reconciliations.c.status != "running")
            | (
                reconciliations.c.started_at
                < func.now() - text("make_interval(secs => :stale)").bindparams(stale=stale_s)
            ),
        )
        .returning(reconciliations.c.day)
    )
    return (await session.execute(query)).first() is not None


async def save(session: AsyncSession, day: date, result: Result) -> None:
    await session.execute(delete(reconciliation_discrepancies).where(reconciliation_discrepancies.c.day == day))
    rows = [
        dict(
            day=day,
            position=position,
            kind=d.kind,
            acquirer_order_id=d.acquirer_order_id,
            payment_id=d.payment_id,
            bank_amount_kopecks=d.bank_amount,
            our_amount_kopecks=d.our_amount,
            resolution=d.resolution,
        )
        for position, d in enumerate(result.discrepancies, start=1)
    ]
    if rows:
        await session.execute(insert(reconciliation_discrepancies), rows)
    await session.execute(
        reconciliations.update()
        .where(reconciliations.c.day == day)
        .values(
            status="completed",
            bank_total_kopecks=result.bank_total,
            our_total_kopecks=result.our_total,
            matched=result.matched,
            runs=reconciliations.c.runs + 1,
            finished_at=func.now(),
            error=None,
        )
    )


async def fail(session: AsyncSession, day: date, error: str) -> None:
    await session.execute(
        reconciliations.update()
        .where(reconciliations.c.day == day)
        .values(status="failed", error=error[:1000], finished_at=func.now())
    )


@dataclass(frozen=True)
class Stored:
    day: date
    status: str
    bank_total: int | None
    our_total: int | None
    matched: int | None
    runs: int
    started_at: Any
    finished_at: Any
    discrepancies: list[Discrepancy]


async def of_day(session: AsyncSession, day: date) -> Stored | None:
    row = (await session.execute(select(reconciliations).where(reconciliations.c.day == day))).mappings().first()
    if row is None:
        return None
    found = await session.execute(
        select(reconciliation_discrepancies)
        .where(reconciliation_discrepancies.c.day == day)
        .order_by(reconciliation_discrepancies.c.position)
    )
    discrepancies = [
        Discrepancy(
            d["kind"],
            d["acquirer_order_id"],
            d["payment_id"],
            d["bank_amount_kopecks"],
            d["our_amount_kopecks"],
            d["resolution"],
        )
        for d in found.mappings()
    ]
    return Stored(
        row["day"],
        row["status"],
        row["bank_total_kopecks"],
        row["our_total_kopecks"],
        row["matched"],
        row["runs"],
        row["started_at"],
        row["finished_at"],
        discrepancies,
    )


async def completed(session: AsyncSession, day: date) -> bool:
    query = select(reconciliations.c.day).where(reconciliations.c.day == day, reconciliations.c.status == "completed")
    return (await session.execute(query)).first() is not None
