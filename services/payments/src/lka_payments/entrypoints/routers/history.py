"""`/accounts/{id}/payments`: an account's payment history, for a subscriber linked to it (their
own online payments in any status, others' once settled with money, billing's from any channel)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from lka_common.auth import CurrentUser
from lka_common.paging import PageDep
from lka_common.web import UowDep
from lka_payments.entrypoints.dependencies import SettingsDep
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.schemas.payments import HistoryItemOut
from lka_payments.service_layer import queries

router = APIRouter(tags=["payments"])


@router.get("/accounts/{account_id}/payments", response_model=list[HistoryItemOut], responses=problems(401, 404, 422))
async def account_payments(
    account_id: UUID, user: CurrentUser, uow: UowDep, page: PageDep, settings: SettingsDep
) -> list[HistoryItemOut]:
    items = await queries.history_of(uow, user.user_id, account_id, page.limit, page.offset)
    return [HistoryItemOut.of(item, settings.page_lifetime) for item in items]
