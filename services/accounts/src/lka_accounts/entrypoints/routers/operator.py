"""`/operator/…`: the supplier's operators review link requests and look accounts up.

Every call is audited (lka_common.audit): a decision with its outcome, refusals included; a
lookup of the registry (`billing_account.lookup`, the object `<region_code>/<number>`, a
number billing does not know `refused:not_found`); and the queue, one `link_request.list`
record per request it shows (its masked requester, proof and billing's data are personal data),
so a supervisor searching a request's id finds who saw it and who decided it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query

from lka_accounts.domain.errors import AccountsError
from lka_accounts.domain.model import RequestStatus
from lka_accounts.entrypoints.errors import problem_for
from lka_accounts.entrypoints.problem_docs import problems
from lka_accounts.entrypoints.schemas import (
    ACCOUNT_NUMBER_PATTERN,
    BillingAccountOut,
    OperatorLinkRequestOut,
    OperatorRequestCardOut,
    RejectIn,
)
from lka_accounts.service_layer import queries, review
from lka_common.audit import Audit, staff_audit
from lka_common.auth import Operator
from lka_common.paging import PageDep
from lka_common.web import UowDep

router = APIRouter(prefix="/operator", tags=["operator"])

AuditDep = Annotated[Audit, Depends(staff_audit(AccountsError, problem_for))]


@router.get("/link-requests", response_model=list[OperatorRequestCardOut], responses=problems(401, 403, 422))
async def list_requests(
    operator: Operator,
    audit: AuditDep,
    uow: UowDep,
    page: PageDep,
    status: Annotated[RequestStatus | None, Query()] = None,
) -> list[OperatorRequestCardOut]:
    found = await queries.request_cards(uow, status, page.limit, page.offset)
    await audit.read(uow, "link_request.list", "link_request", (card.request.id for card in found))
    return [OperatorRequestCardOut.of_card(card) for card in found]


@router.post(
    "/link-requests/{request_id}/approve",
    response_model=OperatorLinkRequestOut,
    responses=problems(401, 403, 404, 409, 422),
)
async def approve_request(request_id: UUID, operator: Operator, audit: AuditDep, uow: UowDep) -> OperatorLinkRequestOut:
    async with audit.action(uow, "link_request.approve", "link_request", request_id) as step:
        return OperatorLinkRequestOut.of(await review.approve(uow, request_id, operator.user_id, step))


@router.post(
    "/link-requests/{request_id}/reject",
    response_model=OperatorLinkRequestOut,
    responses=problems(401, 403, 404, 409, 422),
)
async def reject_request(
    request_id: UUID, body: RejectIn, operator: Operator, audit: AuditDep, uow: UowDep
) -> OperatorLinkRequestOut:
    async with audit.action(uow, "link_request.reject", "link_request", request_id) as step:
        return OperatorLinkRequestOut.of(await review.reject(uow, request_id, operator.user_id, body.comment, step))


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
    audit: AuditDep,
    uow: UowDep,
) -> BillingAccountOut:
    async with audit.action(uow, "billing_account.lookup", "billing_account", f"{region_code}/{number}"):
        return BillingAccountOut.of(await queries.billing_account(uow, region_code, number))
