"""SQL of the cards table: a saved card kept once per binding, a subscriber's cards, and the
mark of one unbound. Reads answer `SavedCard`s (domain/cards.py), never rows."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_payments.adapters.tables import cards
from lka_payments.domain.cards import CardToKeep, SavedCard

_COLUMNS = [cards.c.id, cards.c.user_id, cards.c.binding_id, cards.c.brand, cards.c.pan_masked, cards.c.expiry]
_COLUMNS.append(cards.c.created_at)


def _card(row: RowMapping) -> SavedCard:
    return SavedCard(**{column.name: row[column.name] for column in _COLUMNS})


async def keep(session: AsyncSession, user_id: uuid.UUID, card: CardToKeep) -> None:
    """Keep the card of a binding; the same binding again (the same card saved twice: the bank
    keeps one binding per card and client) brings a deleted one back rather than a second row."""
    values = dict(id=uuid.uuid4(), user_id=user_id, binding_id=card.binding_id, brand=card.brand)
    values.update(pan_masked=card.pan_masked, expiry=card.expiry, created_at=func.now())
    query = insert(cards).values(**values)
    # Only the owner's own row comes back: a binding is its client's, and the client is the user.
    await session.execute(
        query.on_conflict_do_update(
            index_elements=[cards.c.binding_id],
            set_={"deleted_at": None, "expiry": query.excluded.expiry},
            where=cards.c.user_id == user_id,
        )
    )


async def of_user(session: AsyncSession, user_id: uuid.UUID) -> list[SavedCard]:
    """The subscriber's cards not deleted, oldest first (the order they were saved in)."""
    query = (
        select(*_COLUMNS)
        .where(cards.c.user_id == user_id, cards.c.deleted_at.is_(None))
        .order_by(cards.c.created_at, cards.c.id)
    )
    return [_card(row) for row in (await session.execute(query)).mappings()]


async def own(session: AsyncSession, user_id: uuid.UUID, card_id: uuid.UUID) -> SavedCard | None:
    """The card if it is this user's and not deleted; None for another's, a deleted or an unknown one alike."""
    query = select(*_COLUMNS).where(cards.c.id == card_id, cards.c.user_id == user_id, cards.c.deleted_at.is_(None))
    row = (await session.execute(query)).mappings().first()
    return None if row is None else _card(row)


async def mark_deleted(session: AsyncSession, card_id: uuid.UUID) -> None:
    await session.execute(
        update(cards).where(cards.c.id == card_id, cards.c.deleted_at.is_(None)).values(deleted_at=func.now())
    )


async def forget_bindings(session: AsyncSession, user_id: uuid.UUID, binding_ids: set[str]) -> None:
    """Mark deleted the user's cards whose bindings the bank no longer lists (`getBindings.do`)."""
    if binding_ids:
        await session.execute(
            update(cards)
            .where(cards.c.user_id == user_id, cards.c.binding_id.in_(binding_ids), cards.c.deleted_at.is_(None))
            .values(deleted_at=func.now())
        )
