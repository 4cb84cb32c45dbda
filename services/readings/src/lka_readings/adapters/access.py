"""The access projection: our account ids for billing accounts, and who is linked to which,
taken from the accounts service's `account.linked/unlinked` events."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_readings.adapters.tables import account_links, accounts


async def remember_account(session: AsyncSession, account_id: UUID, region_code: str, number: str) -> None:
    await session.execute(
        insert(accounts)
        .values(id=account_id, region_code=region_code, number=number)
        .on_conflict_do_nothing(index_elements=["id"])
    )


async def set_link(session: AsyncSession, account_id: UUID, user_id: UUID, linked: bool, at: datetime) -> bool:
    """Record a link or an unlink unless a later change of the same pair is already here (events
    may overtake each other); True when it changed the projection."""
    statement = insert(account_links).values(account_id=account_id, user_id=user_id, linked=linked, changed_at=at)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=["account_id", "user_id"],
            set_={"linked": linked, "changed_at": at},
            where=account_links.c.changed_at < statement.excluded.changed_at,
        ).returning(account_links.c.account_id)
    )
    return result.first() is not None
