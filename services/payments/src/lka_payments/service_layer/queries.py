"""The read side: an account's payment history as the caller sees it (their own online payments,
others' once settled with money, and those billing registered from other channels), newest
first, one page at a time."""

from __future__ import annotations

import uuid

from lka_common.uow import UnitOfWork
from lka_payments.adapters import history, repository
from lka_payments.domain.errors import NotFound
from lka_payments.domain.model import HistoryItem


async def history_of(
    uow: UnitOfWork, user_id: uuid.UUID, account_id: uuid.UUID, limit: int, offset: int
) -> list[HistoryItem]:
    async with uow:
        account = await repository.payable(uow.session, account_id, user_id)
        if account is None:
            raise NotFound
        return await history.of_account(
            uow.session, user_id, account_id, account.region_code, account.account_number, limit, offset
        )
