"""Links of users to accounts: one account may be linked to several profiles (family members)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.registry import summaries, to_summary
from lka_accounts.adapters.tables import account_links, billing_accounts
from lka_accounts.domain.model import AccountSummary, LinkedVia


@dataclass(frozen=True)
class LinkedAccount:
    """Enough of a linked account to announce its link or unlink."""

    account_id: UUID
    region_code: str
    number: str


async def add(session: AsyncSession, user_id: UUID, account_id: UUID, via: LinkedVia, now: datetime) -> bool:
    """Link; False when it already was (a race between two tabs ends in one link, not an error)."""
    result = await session.execute(
        insert(account_links)
        .values(user_id=user_id, account_id=account_id, linked_via=via, linked_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "account_id"])
        .returning(account_links.c.account_id)
    )
    return result.first() is not None


async def is_linked(session: AsyncSession, user_id: UUID, account_id: UUID) -> bool:
    found = await session.execute(
        select(account_links.c.account_id).where(
            account_links.c.user_id == user_id, account_links.c.account_id == account_id
        )
    )
    return found.first() is not None


async def remove(session: AsyncSession, user_id: UUID, account_id: UUID) -> LinkedAccount | None:
    """Unlink; None when the account is not linked to this user (unknown or someone else's)."""
    removed = (
        await session.execute(
            delete(account_links)
            .where(account_links.c.user_id == user_id, account_links.c.account_id == account_id)
            .returning(account_links.c.account_id)
        )
    ).first()
    if removed is None:
        return None
    row = (
        await session.execute(
            select(billing_accounts.c.region_code, billing_accounts.c.number).where(billing_accounts.c.id == account_id)
        )
    ).one()
    return LinkedAccount(account_id, row.region_code, row.number)


async def of_user(session: AsyncSession, user_id: UUID, limit: int, offset: int) -> list[AccountSummary]:
    """The user's accounts, the most recently linked first."""
    rows = await session.execute(
        summaries()
        .join(account_links, account_links.c.account_id == billing_accounts.c.id)
        .where(account_links.c.user_id == user_id)
        .order_by(account_links.c.linked_at.desc(), billing_accounts.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [to_summary(row) for row in rows]


async def summary_of_user(session: AsyncSession, user_id: UUID, account_id: UUID) -> AccountSummary | None:
    row = (
        await session.execute(
            summaries()
            .join(account_links, account_links.c.account_id == billing_accounts.c.id)
            .where(account_links.c.user_id == user_id, billing_accounts.c.id == account_id)
        )
    ).first()
    return to_summary(row) if row else None


async def move(session: AsyncSession, source: UUID, target: UUID, now: datetime) -> list[tuple[LinkedAccount, bool]]:
    """Move the source user's links to the target (a merge): each link the source loses, and
    whether the target gained it (False: the target had that account linked already).
    """
    rows = await session.execute(
        select(account_links.c.account_id, billing_accounts.c.region_code, billing_accounts.c.number)
        .join(billing_accounts, billing_accounts.c.id == account_links.c.account_id)
        .where(account_links.c.user_id == source)
        .order_by(account_links.c.linked_at, account_links.c.account_id)
        .with_for_update(of=account_links)
    )
    moved: list[tuple[LinkedAccount, bool]] = []
    for row in rows.all():
        of_source = and_(account_links.c.user_id == source, account_links.c.account_id == row.account_id)
        gained = not await is_linked(session, target, row.account_id)
        if gained:
            await session.execute(
                update(account_links).where(of_source).values(user_id=target, linked_via="merge", linked_at=now)
            )
        else:
            await session.execute(delete(account_links).where(of_source))
        moved.append((LinkedAccount(row.account_id, row.region_code, row.number), gained))
    return moved
