"""Changes of address waiting for the new mailbox: the link's token by its SHA-256 only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import email_changes, users


@dataclass(frozen=True)
class PendingChange:
    user_id: UUID
    new_email: str


async def add(
    session: AsyncSession, token_hash: str, user_id: UUID, new_email: str, now: datetime, expires_at: datetime
) -> None:
    await session.execute(
        insert(email_changes).values(
            token_hash=token_hash, user_id=user_id, new_email=new_email, created_at=now, expires_at=expires_at
        )
    )


async def find_open(session: AsyncSession, token_hash: str, now: datetime) -> PendingChange | None:
    """The change if its token exists, is unused and has not expired; locked until commit, so of
    two confirmations with one link only the first gets through."""
    row = (
        await session.execute(
            select(email_changes.c.user_id, email_changes.c.new_email)
            .where(
                email_changes.c.token_hash == token_hash,
                email_changes.c.used_at.is_(None),
                email_changes.c.expires_at > now,
            )
            .with_for_update()
        )
    ).first()
    return PendingChange(row.user_id, row.new_email) if row else None


async def use_all(session: AsyncSession, user_id: UUID, now: datetime) -> None:
    """Spend the user's open changes: the one confirmed, or the older letters' when a new one goes."""
    await session.execute(
        update(email_changes)
        .where(email_changes.c.user_id == user_id, email_changes.c.used_at.is_(None))
        .values(used_at=now)
    )


async def change_address(session: AsyncSession, user_id: UUID, new_email: str) -> bool:
    """The user's address becomes `new_email`; False when another profile holds it (the unique
    index on `lower(email)` decides, also against a registration committed a moment ago)."""
    try:
        async with session.begin_nested():
            await session.execute(update(users).where(users.c.id == user_id).values(email=new_email))
    except IntegrityError:
        return False
    return True
