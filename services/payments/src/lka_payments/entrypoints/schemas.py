"""Request and response bodies of the payments API (docs/contract.md §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictStr

from lka_common.money import format_kopecks, parse_kopecks
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.model import HistoryItem, Payment, page_lapses_at


def payment_kopecks(text: str) -> int:
    """The amount to pay: in the money format, and more than zero (the ceiling is a setting,
    checked when the payment starts)."""
    kopecks = parse_kopecks(text)
    if kopecks <= 0:
        raise ValueError(messages.AMOUNT_POSITIVE)
    return kopecks


AmountText = Annotated[StrictStr, Field(max_length=20, examples=["1523.40"]), AfterValidator(payment_kopecks)]


class PaymentIn(RequestModel):
    account_id: uuid.UUID
    amount: AmountText = Field(description="Roubles, a decimal string with at most two fraction digits, > 0.")

    @property
    def kopecks(self) -> int:
        # The validator turned the text into kopecks already.
        return int(self.amount)


class StartedOut(ResponseModel):
    id: uuid.UUID
    status: Literal["pending"] = "pending"
    amount: str
    confirmation_url: str = Field(description="The acquirer's card page: send the payer's browser there.")


class CardOut(ResponseModel):
    brand: Literal["mir", "visa", "mastercard"]
    pan_masked: str


def card_of(paid: Payment | HistoryItem) -> CardOut | None:
    if paid.card_brand and paid.pan_masked:
        return CardOut(brand=paid.card_brand, pan_masked=paid.pan_masked)
    return None


Status = Literal["pending", "succeeded", "failed", "expired", "refunded"]
EXPIRES_AT = Field(
    description="While pending: when the bank's card page lapses (its creation plus the acquirer's "
    "session timeout); past it the payment turns `expired`. Null once settled."
)


def message_of(payment: Payment) -> str:
    if payment.status == "succeeded":
        return messages.PAID
    if payment.status == "pending":
        return messages.PENDING
    if payment.status == "refunded":
        return messages.REFUNDED
    return messages.FAILURES.get(payment.failure_reason or "declined", messages.FAILURES["declined"])


class PaymentOut(ResponseModel):
    id: uuid.UUID
    account_id: uuid.UUID
    account_number: str
    amount: str
    status: Status
    card: CardOut | None
    failure_reason: str | None
    message: str
    created_at: datetime
    paid_at: datetime | None
    expires_at: datetime | None = EXPIRES_AT

    @classmethod
    def of(cls, payment: Payment, page_lifetime: timedelta) -> PaymentOut:
        return cls(
            id=payment.id,
            account_id=payment.account_id,
            account_number=payment.account_number,
            amount=format_kopecks(payment.amount_kopecks),
            status=payment.status,
            card=card_of(payment),
            failure_reason=payment.failure_reason,
            message=message_of(payment),
            created_at=payment.created_at,
            paid_at=payment.paid_at,
            expires_at=page_lapses_at(payment.status, payment.created_at, page_lifetime),
        )


class HistoryItemOut(ResponseModel):
    id: str = Field(description="Our payment id (online) or billing's payment id (billing).")
    amount: str
    status: Status
    source: Literal["online", "billing"]
    channel: str
    card: CardOut | None
    created_at: datetime
    paid_at: datetime | None
    expires_at: datetime | None = EXPIRES_AT

    @classmethod
    def of(cls, item: HistoryItem, page_lifetime: timedelta) -> HistoryItemOut:
        return cls(
            id=item.id,
            amount=format_kopecks(item.amount_kopecks),
            status=item.status,
            source=item.source,
            channel=item.channel,
            card=card_of(item),
            created_at=item.created_at,
            paid_at=item.paid_at,
            expires_at=page_lapses_at(item.status, item.created_at, page_lifetime),
        )
