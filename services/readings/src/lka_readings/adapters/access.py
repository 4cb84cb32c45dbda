"""The access projection: our account ids for billing accounts, and who is linked to which
(lka_common.access), taken from the accounts service's `account.linked/unlinked` events."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.access import AccessProjection
from lka_readings.adapters.tables import account_links, accounts

links = AccessProjection(account_links)


async def remember_account(session: AsyncSession, account_id: UUID, region_code: str, number: str) -> None:
    await session.execute(
        insert(accounts)
        .values(id=account_id, region_code=region_code, number=number)
        .on_conflict_do_nothing(index_elements=["id"])
    )
