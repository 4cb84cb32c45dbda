"""The bodies of a single payment: starting one (`POST /payments`), reading it, and an account's
history; the amount, status and card parts the other bodies share (docs/contract.md §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictStr, model_validator

from lka_common.money import format_kopecks, parse_kopecks
from lka_common.qr_code import qr_svg
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.model import HistoryItem, Method, Payment, page_lapses_at
from lka_payments.service_layer.starting import Started


def payment_kopecks(text: str) -> int:
    """The amount to pay: in the money format, and more than zero (the ceiling is a setting,
    checked when the payment starts)."""
    kopecks = parse_kopecks(text)
    if kopecks <= 0:
        raise ValueError(messages.AMOUNT_POSITIVE)
    return kopecks


Status = Literal["pending", "succeeded", "failed", "expired", "refunded"]
AmountText = Annotated[StrictStr, Field(max_length=20, examples=["1523.40"]), AfterValidator(payment_kopecks)]


class PaymentIn(RequestModel):
    account_id: uuid.UUID
    amount: AmountText = Field(description="Roubles, a decimal string with at most two fraction digits, > 0.")
    method: Method = Field("card", description="`card` (the bank's card page, or a saved card) or `sbp` (a QR code).")
    save_card: bool = Field(False, description="Card only: ask the bank to keep the card for the next payments.")
    card_id: uuid.UUID | None = Field(None, description="Card only: pay with this saved card (`GET /cards`).")

    @model_validator(mode="after")
    def one_way_to_pay(self) -> PaymentIn:
        if self.method == "sbp" and (self.save_card or self.card_id is not None):
            raise ValueError(messages.SBP_WITH_CARD)
        if self.save_card and self.card_id is not None:
            raise ValueError(messages.SAVED_CARD_SAVED)
        return self

    @property
    def kopecks(self) -> int:
        # The validator turned the text into kopecks already.
        return int(self.amount)


class SbpOut(ResponseModel):
    qr_id: str
    payload: str = Field(
        description="The QR code's text: the NSPK link the payer's bank app opens (on a phone, a tap)."
    )
    qr_svg: str = Field(description="The QR code of `payload` as a standalone SVG document.")


class StartedOut(ResponseModel):
    id: uuid.UUID
    status: Status = Field(
        description="`pending`; a saved card's payment the bank decided at once is already `succeeded` or `failed`."
    )
    amount: str
    method: Method = "card"
    confirmation_url: str | None = Field(
        description="Where to send the payer's browser: the bank's card page, or the 3-D Secure challenge of a saved "
        "card. Null when there is nowhere to go: SBP, or a saved card the bank charged without a challenge."
    )
    sbp: SbpOut | None = Field(None, description="SBP only: the QR code to show the payer.")

    @classmethod
    def of(cls, started: Started) -> StartedOut:
        qr = started.qr
        sbp = None if qr is None else SbpOut(qr_id=qr.qr_id, payload=qr.payload, qr_svg=qr_svg(qr.payload))
        return cls(
            id=started.payment_id,
            status=started.status,
            amount=format_kopecks(started.amount_kopecks),
            method=started.method,
            confirmation_url=started.confirmation_url,
            sbp=sbp,
        )


class CardOut(ResponseModel):
    brand: Literal["mir", "visa", "mastercard"]
    pan_masked: str


def card_of(paid: Payment | HistoryItem) -> CardOut | None:
    if paid.card_brand and paid.pan_masked:
        return CardOut(brand=paid.card_brand, pan_masked=paid.pan_masked)
    return None


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
    method: Method = Field("card", description="How it is paid: `card` or `sbp` (additive).")
    card: CardOut | None
    failure_reason: str | None
    message: str
    created_at: datetime
    paid_at: datetime | None
    expires_at: datetime | None = EXPIRES_AT
    refunded_amount: str = Field("0.00", description="Given back to the card so far by the supplier's refunds.")

    @classmethod
    def of(cls, payment: Payment, page_lifetime: timedelta) -> PaymentOut:
        return cls(
            id=payment.id,
            account_id=payment.account_id,
            account_number=payment.account_number,
            amount=format_kopecks(payment.amount_kopecks),
            status=payment.status,
            method=payment.method,
            card=card_of(payment),
            failure_reason=payment.failure_reason,
            message=message_of(payment),
            created_at=payment.created_at,
            paid_at=payment.paid_at,
            expires_at=page_lapses_at(payment.status, payment.created_at, page_lifetime),
            refunded_amount=format_kopecks(payment.refunded_kopecks),
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
