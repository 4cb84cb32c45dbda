"""The staff's bodies: refunds and their decisions, a payment looked up, and its story
(docs/contract.md §4)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictStr

from lka_common.money import format_kopecks, parse_kopecks
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.model import Method, Payment
from lka_payments.domain.refunds import Refund, RefundStatus
from lka_payments.entrypoints.schemas.payments import CardOut, Status, card_of


def refund_kopecks(text: str) -> int:
    kopecks = parse_kopecks(text)
    if kopecks <= 0:
        raise ValueError(messages.REFUND_POSITIVE)
    return kopecks


def reason_text(text: str) -> str:
    if not text.strip():
        raise ValueError(messages.REFUND_REASON)
    return text.strip()


class RefundIn(RequestModel):
    amount: Annotated[StrictStr, Field(max_length=20, examples=["500.00"]), AfterValidator(refund_kopecks)] = Field(
        description="Roubles to give back, > 0; with the refunds before, at most what was paid."
    )
    reason: Annotated[StrictStr, Field(min_length=1, max_length=1000), AfterValidator(reason_text)] = Field(
        description="Why, for the audit and the approving supervisor."
    )

    @property
    def kopecks(self) -> int:
        return int(self.amount)  # the validator turned the text into kopecks already


class RefundDecisionIn(RequestModel):
    comment: Annotated[StrictStr, Field(min_length=1, max_length=1000), AfterValidator(reason_text)]


class RefundOut(ResponseModel):
    id: uuid.UUID
    payment_id: uuid.UUID
    amount: str
    reason: str
    status: RefundStatus = Field(
        description="`awaiting_approval` (above the threshold, for a supervisor other than the requester), "
        "`pending` (at the bank), `succeeded`, `failed` (the bank refused: `failure_reason`), `rejected`."
    )
    requested_by: uuid.UUID
    decided_by: uuid.UUID | None
    decision_comment: str | None
    failure_reason: str | None
    created_at: datetime
    decided_at: datetime | None
    refunded_at: datetime | None

    @classmethod
    def of(cls, refund: Refund) -> RefundOut:
        return cls(
            id=refund.id,
            payment_id=refund.payment_id,
            amount=format_kopecks(refund.amount_kopecks),
            reason=refund.reason,
            status=refund.status,
            requested_by=refund.requested_by,
            decided_by=refund.decided_by,
            decision_comment=refund.decision_comment,
            failure_reason=refund.failure_reason,
            created_at=refund.created_at,
            decided_at=refund.decided_at,
            refunded_at=refund.refunded_at,
        )


class OperatorPaymentOut(ResponseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    account_id: uuid.UUID
    region_code: str
    account_number: str
    amount: str
    refunded_amount: str = Field(description="Given back to the card so far.")
    status: Status
    method: Method
    card: CardOut | None
    failure_reason: str | None
    acquirer_order_id: str
    order_number: str
    basket_id: uuid.UUID | None
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, payment: Payment) -> OperatorPaymentOut:
        return cls(
            id=payment.id,
            user_id=payment.user_id,
            account_id=payment.account_id,
            region_code=payment.region_code,
            account_number=payment.account_number,
            amount=format_kopecks(payment.amount_kopecks),
            refunded_amount=format_kopecks(payment.refunded_kopecks),
            status=payment.status,
            method=payment.method,
            card=card_of(payment),
            failure_reason=payment.failure_reason,
            acquirer_order_id=payment.acquirer_order_id,
            order_number=payment.order_number,
            basket_id=payment.basket_id,
            created_at=payment.created_at,
            paid_at=payment.paid_at,
        )


class StoryLineOut(ResponseModel):
    at: datetime
    kind: str = Field(
        description="order_registered, callback_received, status_polled, event_published, refund_requested, "
        "refund_approved, refund_rejected, refund_succeeded, refund_failed, reconciliation_resolved"
    )
    detail: dict[str, Any]


class PaymentStoryOut(ResponseModel):
    payment: OperatorPaymentOut
    events: list[StoryLineOut] = Field(description="Oldest first; the order's registration is the first.")
    refunds: list[RefundOut]
