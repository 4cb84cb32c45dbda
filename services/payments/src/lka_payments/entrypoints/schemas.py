"""Request and response bodies of the payments API (docs/contract.md §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictStr

from lka_common.money import format_kopecks, parse_kopecks
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.model import HistoryItem, Payment


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


class PaymentOut(ResponseModel):
    id: uuid.UUID
    account_id: uuid.UUID
    amount: str
    status: Status
    card: CardOut | None
    failure_reason: str | None
    message: str
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, payment: Payment) -> PaymentOut:
        status = payment.status
        if status == "succeeded":
            message = messages.PAID
        elif status == "pending":
            message = messages.PENDING
        else:
            message = messages.FAILURES.get(payment.failure_reason or "declined", messages.FAILURES["declined"])
        return cls(
            id=payment.id,
            account_id=payment.account_id,
            amount=format_kopecks(payment.amount_kopecks),
            status=status,
            card=card_of(payment),
            failure_reason=payment.failure_reason,
            message=message,
            created_at=payment.created_at,
            paid_at=payment.paid_at,
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

    @classmethod
    def of(cls, item: HistoryItem) -> HistoryItemOut:
        return cls(
            id=item.id,
            amount=format_kopecks(item.amount_kopecks),
            status=item.status,
            source=item.source,
            channel=item.channel,
            card=card_of(item),
            created_at=item.created_at,
            paid_at=item.paid_at,
        )
