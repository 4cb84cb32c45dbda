"""`/accounts`: the signed-in subscriber's personal accounts: list, link, remove."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from lka_accounts.domain import messages
from lka_accounts.entrypoints.dependencies import LimitsDep
from lka_accounts.entrypoints.problem_docs import problems
from lka_accounts.entrypoints.schemas import (
    AccountOut,
    LinkedOut,
    LinkIn,
    LinkRequestOut,
    MessageOut,
    RequestCreatedOut,
)
from lka_accounts.service_layer import linking, queries
from lka_common.auth import CurrentUser, Subscriber
from lka_common.paging import PageDep
from lka_common.web import UowDep

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.get("", response_model=list[AccountOut], responses=problems(401, 422))
async def list_accounts(user: CurrentUser, uow: UowDep, page: PageDep) -> list[AccountOut]:
    found = await queries.accounts_of(uow, user.user_id, page.limit, page.offset)
    return [AccountOut.of(item) for item in found]


@router.post(
    "",
    status_code=201,
    response_model=LinkedOut | RequestCreatedOut,
    responses={
        201: {"model": LinkedOut, "description": "The proof matched: the account is linked."},
        202: {
            "model": RequestCreatedOut,
            "description": "A wrong proof, a number billing does not know, or any proof past the account's"
            " limit of failed attempts: a request for an operator.",
        },
        **problems(401, 403, 409, 422, 429),
    },
)
async def link_account(
    body: LinkIn, user: Subscriber, uow: UowDep, limits: LimitsDep, response: Response
) -> LinkedOut | RequestCreatedOut:
    outcome = await linking.link_account(
        uow, limits, user.user_id, body.region_code, body.number, body.proof(), email=user.email
    )
    if isinstance(outcome, linking.Linked):
        return LinkedOut(account=AccountOut.of(outcome.account))
    response.status_code = 202
    return RequestCreatedOut(request=LinkRequestOut.of(outcome.request))


@router.delete("/{account_id}", response_model=MessageOut, responses=problems(401, 403, 404, 422))
async def unlink_account(account_id: UUID, user: Subscriber, uow: UowDep) -> MessageOut:
    await linking.unlink_account(uow, user.user_id, account_id)
    return MessageOut(message=messages.ACCOUNT_UNLINKED)
