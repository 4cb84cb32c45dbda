"""`/operator/…`: the supplier's operators review link requests and look accounts up."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query

from lka_accounts.domain.model import RequestStatus
from lka_accounts.entrypoints.problem_docs import problems
from lka_accounts.entrypoints.schemas import (
    ACCOUNT_NUMBER_PATTERN,
    BillingAccountOut,
    OperatorLinkRequestOut,
    OperatorRequestCardOut,
    RejectIn,
)
from lka_accounts.service_layer import queries, review
from lka_common.auth import Operator
from lka_common.paging import PageDep
from lka_common.web import UowDep

router = APIRouter(prefix="/operator", tags=["operator"])


@router.get("/link-requests", response_model=list[OperatorRequestCardOut], responses=problems(401, 403, 422))
async def list_requests(
    operator: Operator, uow: UowDep, page: PageDep, status: Annotated[RequestStatus | None, Query()] = None
) -> list[OperatorRequestCardOut]:
    found = await queries.request_cards(uow, status, page.limit, page.offset)
    return [OperatorRequestCardOut.of_card(card) for card in found]


@router.post(
    "/link-requests/{request_id}/approve",
    response_model=OperatorLinkRequestOut,
    responses=problems(401, 403, 404, 409, 422),
)
async def approve_request(request_id: UUID, operator: Operator, uow: UowDep) -> OperatorLinkRequestOut:
    return OperatorLinkRequestOut.of(await review.approve(uow, request_id, operator.user_id))


@router.post(
    "/link-requests/{request_id}/reject",
    response_model=OperatorLinkRequestOut,
    responses=problems(401, 403, 404, 409, 422),
)
async def reject_request(request_id: UUID, body: RejectIn, operator: Operator, uow: UowDep) -> OperatorLinkRequestOut:
    return OperatorLinkRequestOut.of(await review.reject(uow, request_id, operator.user_id, body.comment))


@router.get(
    "/billing-accounts/{region_code}/{number}",
    response_model=BillingAccountOut,
    responses=problems(401, 403, 404, 422),
)
async def billing_account(
    # Patterns as in the link form: a NUL or other stray character would go on to PostgreSQL
    # and fail as a 500; refused here, it is a 422 like any malformed number.
    region_code: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_\-]+$")],
    number: Annotated[str, Path(max_length=32, pattern=ACCOUNT_NUMBER_PATTERN)],
    operator: Operator,
    uow: UowDep,
) -> BillingAccountOut:
    return BillingAccountOut.of(await queries.billing_account(uow, region_code, number))
