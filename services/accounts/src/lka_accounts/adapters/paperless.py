"""Each subscriber's paperless switch per linked account, and who gets a new bill by letter."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import account_links, billing_accounts, paperless


async def switch(session: AsyncSession, user_id: UUID, account_id: UUID, enabled: bool, now: datetime) -> bool:
    """Set the switch; True when it changed (off is the default: no row is off)."""
    before = await session.scalar(
        select(paperless.c.enabled)
        .where(paperless.c.user_id == user_id, paperless.c.account_id == account_id)
        .with_for_update()
    )
    if bool(before) == enabled:
        return False
    statement = insert(paperless).values(user_id=user_id, account_id=account_id, enabled=enabled, changed_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[paperless.c.user_id, paperless.c.account_id],
            set_={"enabled": enabled, "changed_at": now},
        )
    )
    return True


@dataclass(frozen=True)
class MovedSwitch:
    """The source's switch for one account in a merge, and whether it became the target's."""

    account_id: UUID
    enabled: bool
    taken: bool  # False: the target had its own switch for the account, which stands


async def move(
    session: AsyncSession, source: UUID, target: UUID, account_ids: Collection[UUID], now: datetime
) -> list[MovedSwitch]:
    """Merge: the source's switches for these accounts (the ones its links moved) go to the
    target where the target has none of its own; every switch of the source is removed, those
    of accounts it had unlinked too (they sent nothing already: letters follow the links)."""
    removed = await session.execute(
        delete(paperless).where(paperless.c.user_id == source).returning(paperless.c.account_id, paperless.c.enabled)
    )
    moving = sorted((row for row in removed.all() if row.account_id in account_ids), key=lambda row: row.account_id)
    if not moving:
        return []
    values = [dict(user_id=target, account_id=row.account_id, enabled=row.enabled, changed_at=now) for row in moving]
    inserted = await session.execute(
        insert(paperless)
        .values(values)
        .on_conflict_do_nothing(index_elements=[paperless.c.user_id, paperless.c.account_id])
        .returning(paperless.c.account_id)
    )
    taken = set(inserted.scalars())
    return [MovedSwitch(row.account_id, row.enabled, row.account_id in taken) for row in moving]


async def enabled_among(session: AsyncSession, user_id: UUID, account_ids: Sequence[UUID]) -> set[UUID]:
    """Which of these accounts the user gets bills for by letter."""
    if not account_ids:
        return set()
    rows = await session.execute(
        select(paperless.c.account_id).where(
            paperless.c.user_id == user_id, paperless.c.account_id.in_(list(account_ids)), paperless.c.enabled
        )
    )
    return set(rows.scalars())


async def recipients(session: AsyncSession, region_code: str, number: str) -> list[UUID]:
    """The users linked to the account now who turned paperless on for it."""
    rows = await session.execute(
        select(account_links.c.user_id)
        .join(billing_accounts, billing_accounts.c.id == account_links.c.account_id)
        .join(
            paperless,
            (paperless.c.user_id == account_links.c.user_id) & (paperless.c.account_id == account_links.c.account_id),
        )
        .where(billing_accounts.c.region_code == region_code, billing_accounts.c.number == number, paperless.c.enabled)
        .order_by(account_links.c.user_id)
    )
    return list(rows.scalars())
