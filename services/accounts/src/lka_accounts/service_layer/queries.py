"""The read side: what the API lists and shows, each in a short transaction of its own."""

from __future__ import annotations

from uuid import UUID

from lka_accounts.adapters import links, registry, requests
from lka_accounts.adapters import regions as region_table
from lka_accounts.domain.errors import NotFound
from lka_accounts.domain.model import AccountSummary, LinkRequest, Region, RequestStatus
from lka_common.uow import UnitOfWork


async def regions(uow: UnitOfWork) -> list[Region]:
    async with uow:
        return await region_table.all_regions(uow.session)


async def accounts_of(uow: UnitOfWork, user_id: UUID, limit: int, offset: int) -> list[AccountSummary]:
    async with uow:
        return await links.of_user(uow.session, user_id, limit, offset)


async def requests_of(uow: UnitOfWork, user_id: UUID, limit: int, offset: int) -> list[LinkRequest]:
    async with uow:
        return await requests.of_user(uow.session, user_id, limit, offset)


async def requests_by_status(
    uow: UnitOfWork, status: RequestStatus | None, limit: int, offset: int
) -> list[LinkRequest]:
    async with uow:
        return await requests.by_status(uow.session, status, limit, offset)


async def billing_account(uow: UnitOfWork, region_code: str, number: str) -> AccountSummary:
    async with uow:
        found = await registry.summary_by_number(uow.session, region_code, number)
    if found is None:
        raise NotFound
    return found
