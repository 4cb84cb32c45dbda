"""`/operator/payments…`, `/operator/refunds…`: the supplier's staff look payments up, read one's
whole story, and refund (docs/contract.md §4 "Refunds").

Every call is audited (lka_common.audit): the lookup one `payment.list` record per payment shown,
the story `payment.read`, each refund step (`refund.request` on the payment, `refund.approve`,
`refund.reject` on the refund, refusals included) and the bank's answer (`refund.execute`,
service_layer/refunding.py). Refunds above the threshold wait for a supervisor other than the
requester: approving or rejecting is the supervisors' alone (403 for an operator), and one's own
request is 403 `same_actor`."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query

from lka_common.audit import Audit, staff_audit
from lka_common.auth import Operator, Supervisor
from lka_common.paging import PageDep
from lka_common.web import UowDep
from lka_payments.domain.errors import PaymentsError
from lka_payments.domain.model import PaymentStatus
from lka_payments.domain.refunds import RefundStatus
from lka_payments.entrypoints.dependencies import AcquirerDep, SettingsDep
from lka_payments.entrypoints.errors import problem_for
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.routers.payments import KEY_DOC, checked_key
from lka_payments.entrypoints.schemas.days import IsoDay
from lka_payments.entrypoints.schemas.operator import (
    OperatorPaymentOut,
    PaymentStoryOut,
    RefundDecisionIn,
    RefundIn,
    RefundOut,
    StoryLineOut,
)
from lka_payments.service_layer import refunding, staff_queries
from lka_payments.service_layer.refunding import RefundRequest

router = APIRouter(prefix="/operator", tags=["operator"])

AuditDep = Annotated[Audit, Depends(staff_audit(PaymentsError, problem_for))]
RegionQuery = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_\-]+$")]
NumberQuery = Annotated[str | None, Query(max_length=32, pattern=r"^[0-9A-Za-z\-]+$")]


@router.get("/payments", response_model=list[OperatorPaymentOut], responses=problems(401, 403, 422))
async def find_payments(
    operator: Operator,
    audit: AuditDep,
    uow: UowDep,
    page: PageDep,
    region_code: RegionQuery = None,
    account_number: NumberQuery = None,
    status: Annotated[PaymentStatus | None, Query()] = None,
    day_from: Annotated[IsoDay | None, Query(alias="from", description="Created on or after this local day.")] = None,
    day_to: Annotated[IsoDay | None, Query(alias="to", description="Created on or before this local day.")] = None,
) -> list[OperatorPaymentOut]:
    found = await staff_queries.find_payments(
        uow, region_code, account_number, status, day_from, day_to, page.limit, page.offset
    )
    await audit.read(uow, "payment.list", "payment", (payment.id for payment in found))
    return [OperatorPaymentOut.of(payment) for payment in found]


@router.get("/payments/{payment_id}", response_model=PaymentStoryOut, responses=problems(401, 403, 404, 422))
async def payment_story(payment_id: UUID, operator: Operator, audit: AuditDep, uow: UowDep) -> PaymentStoryOut:
    async with audit.action(uow, "payment.read", "payment", payment_id):
        told = await staff_queries.story_of(uow, payment_id)
    payment = told.payment
    # The order's registration is the payment's row itself: the story's first line.
    registered = StoryLineOut(
        at=payment.created_at,
        kind="order_registered",
        detail={
            "acquirer_order_id": payment.acquirer_order_id,
            "order_number": payment.order_number,
            "amount_kopecks": payment.amount_kopecks,
            "method": payment.method,
        },
    )
    return PaymentStoryOut(
        payment=OperatorPaymentOut.of(payment),
        events=[registered, *(StoryLineOut(**line) for line in told.events)],
        refunds=[RefundOut.of(refund) for refund in told.refunds],
    )


@router.post(
    "/payments/{payment_id}/refunds",
    status_code=201,
    response_model=RefundOut,
    responses=problems(400, 401, 403, 404, 409, 422),
    openapi_extra={"parameters": [KEY_DOC]},
)
async def request_refund(
    payment_id: UUID,
    body: RefundIn,
    operator: Operator,
    audit: AuditDep,
    uow: UowDep,
    acquirer: AcquirerDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=255, include_in_schema=False)] = None,
) -> RefundOut:
    key = checked_key(idempotency_key)
    request = RefundRequest(payment_id, body.kopecks, body.reason)
    async with audit.action(uow, "refund.request", "payment", payment_id) as step:
        refund = await refunding.request_refund(uow, acquirer, settings, audit.actor, key, request, step)
    return RefundOut.of(refund)


@router.get("/refunds", response_model=list[RefundOut], responses=problems(401, 403, 422))
async def list_refunds(
    operator: Operator,
    audit: AuditDep,
    uow: UowDep,
    page: PageDep,
    status: Annotated[RefundStatus | None, Query()] = None,
) -> list[RefundOut]:
    found = await staff_queries.refund_list(uow, status, page.limit, page.offset)
    await audit.read(uow, "refund.list", "refund", (refund.id for refund in found))
    return [RefundOut.of(refund) for refund in found]


@router.post("/refunds/{refund_id}/approve", response_model=RefundOut, responses=problems(401, 403, 404, 409, 422))
async def approve_refund(
    refund_id: UUID, supervisor: Supervisor, audit: AuditDep, uow: UowDep, acquirer: AcquirerDep
) -> RefundOut:
    async with audit.action(uow, "refund.approve", "refund", refund_id) as step:
        return RefundOut.of(await refunding.approve(uow, acquirer, refund_id, audit.actor, step))


@router.post("/refunds/{refund_id}/reject", response_model=RefundOut, responses=problems(401, 403, 404, 409, 422))
async def reject_refund(
    refund_id: UUID, body: RefundDecisionIn, supervisor: Supervisor, audit: AuditDep, uow: UowDep
) -> RefundOut:
    async with audit.action(uow, "refund.reject", "refund", refund_id) as step:
        return RefundOut.of(await refunding.reject(uow, refund_id, audit.actor, body.comment, step))
