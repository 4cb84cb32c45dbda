"""`/link-requests`: the signed-in subscriber's own requests, their correction and withdrawal."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from lka_accounts.domain import messages
from lka_accounts.entrypoints.dependencies import LimitsDep
from lka_accounts.entrypoints.problem_docs import problems
from lka_accounts.entrypoints.schemas import LinkIn, LinkRequestOut, MessageOut, RequestLinkedOut, RequestPendingOut
from lka_accounts.service_layer import linking, queries
from lka_common.auth import CurrentUser, Subscriber
from lka_common.paging import PageDep
from lka_common.web import UowDep

router = APIRouter(prefix="/link-requests", tags=["link requests"])


@router.get("", response_model=list[LinkRequestOut], responses=problems(401, 422))
async def list_requests(user: CurrentUser, uow: UowDep, page: PageDep) -> list[LinkRequestOut]:
    found = await queries.requests_of(uow, user.user_id, page.limit, page.offset)
    return [LinkRequestOut.of(request) for request in found]


@router.put(
    "/{request_id}",
    response_model=RequestLinkedOut | RequestPendingOut,
    responses=problems(401, 403, 404, 409, 422, 429),
)
async def edit_request(
    request_id: UUID, body: LinkIn, user: Subscriber, uow: UowDep, limits: LimitsDep
) -> RequestLinkedOut | RequestPendingOut:
    outcome = await linking.edit_request(
        uow, limits, user.user_id, request_id, body.region_code, body.number, body.proof(), email=user.email
    )
    if isinstance(outcome, linking.Linked):
        return RequestLinkedOut()
    return RequestPendingOut(request=LinkRequestOut.of(outcome.request))


@router.delete("/{request_id}", response_model=MessageOut, responses=problems(401, 403, 404, 409, 422))
async def withdraw_request(request_id: UUID, user: Subscriber, uow: UowDep) -> MessageOut:
    await linking.withdraw_request(uow, user.user_id, request_id)
    return MessageOut(message=messages.REQUEST_WITHDRAWN)
