"""SQL of baskets: the basket row (its key, amount and bank order), its parts (payments with its
id), and the one guarded transition that moves every pending part at once. Reads answer
`Basket`s and `Payment`s (domain/), never rows."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.repository import PAYMENT_COLUMNS, payment_of, transition_values
from lka_payments.adapters.tables import baskets, payments
from lka_payments.domain.basket import Basket
from lka_payments.domain.model import Outcome, Payment

_COLUMNS = [baskets.c[field.name] for field in fields(Basket)]


def _basket(row: RowMapping | None) -> Basket | None:
    return None if row is None else Basket(**{column.name: row[column.name] for column in _COLUMNS})


async def add(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(baskets).values(**values, created_at=func.now()))


async def by_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> Basket | None:
    query = select(*_COLUMNS).where(baskets.c.user_id == user_id, baskets.c.idempotency_key == key)
    return _basket((await session.execute(query)).mappings().first())


async def get(session: AsyncSession, basket_id: uuid.UUID) -> Basket | None:
    return _basket((await session.execute(select(*_COLUMNS).where(baskets.c.id == basket_id))).mappings().first())


async def parts(session: AsyncSession, basket_id: uuid.UUID) -> list[Payment]:
    """The basket's payments, one per account, in the order the payer listed the accounts."""
    # A part's key is `basket:<basket id>:<line, two digits>` (service_layer/basket_checkout.py).
    query = select(*PAYMENT_COLUMNS).where(payments.c.basket_id == basket_id).order_by(payments.c.idempotency_key)
    rows = (await session.execute(query)).mappings()
    return [part for row in rows if (part := payment_of(row)) is not None]


async def transition(session: AsyncSession, basket_id: uuid.UUID, outcome: Outcome) -> list[Payment]:
    """Move every pending part of the basket to the order's outcome; those moved (none if another
    caller moved them first: the parts move together or not at all, in one statement)."""
    query = (
        update(payments)
        .where(payments.c.basket_id == basket_id, payments.c.status == "pending")
        .values(**transition_values(outcome))
        .returning(*PAYMENT_COLUMNS)
    )
    moved = [part for row in (await session.execute(query)).mappings() if (part := payment_of(row)) is not None]
    listed = {part.id: line for line, part in enumerate(await parts(session, basket_id))}
    return sorted(moved, key=lambda part: listed[part.id])  # as the payer listed them: the letter's order
