"""The read side: what the API lists and shows, each in a short transaction of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from lka_accounts.adapters import attempts, links, registry, requests
from lka_accounts.adapters import regions as region_table
from lka_accounts.domain.errors import NotFound
from lka_accounts.domain.model import (
    AccountHistory,
    AccountSummary,
    LinkRequest,
    Region,
    RequestCard,
    RequestStatus,
)
from lka_accounts.domain.throttling import account_key
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


async def request_cards(uow: UnitOfWork, status: RequestStatus | None, limit: int, offset: int) -> list[RequestCard]:
    """The operators' queue: each request with billing's entry for its account and the
    account's history (its other requests, any profile's; failed attempts on it), one query
    each for the whole page."""
    async with uow:
        found = await requests.by_status(uow.session, status, limit, offset)
        numbers = [(r.region_code, r.number) for r in found]
        known = await registry.find_many(uow.session, numbers)
        earlier = await requests.of_accounts(uow.session, numbers)
        keys = {number: account_key(*number) for number in numbers}
        failed = await attempts.failed_on(uow.session, list(keys.values()), datetime.now(UTC))
    cards = []
    for request in found:
        number = (request.region_code, request.number)
        others = tuple(r for r in earlier[number] if r.id != request.id)[: requests.HISTORY_SHOWN]
        history = AccountHistory(requests=others, failed_attempts=failed[keys[number]])
        cards.append(RequestCard(request=request, account=known.get(number), history=history))
    return cards


async def billing_account(uow: UnitOfWork, region_code: str, number: str) -> AccountSummary:
    async with uow:
        found = await registry.summary_by_number(uow.session, region_code, number)
    if found is None:
        raise NotFound
    return found
