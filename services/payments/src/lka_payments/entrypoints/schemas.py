"""Request and response bodies of the payments API (docs/contract.md §2 "payments")."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from lka_common.money import format_kopecks, parse_kopecks
from lka_common.qr_code import qr_svg
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.autopay import FIRST_DAY, LAST_DAY, next_payment_date, valid_day
from lka_payments.domain.basket import MAX_ITEMS, MIN_ITEMS, BasketLine
from lka_payments.domain.cards import SavedCard
from lka_payments.domain.model import HistoryItem, Method, Payment, page_lapses_at
from lka_payments.domain.refunds import Refund, RefundStatus
from lka_payments.service_layer.autopay_setup import AutopayView
from lka_payments.service_layer.basket_checkout import BasketView
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


class SavedCardOut(ResponseModel):
    id: uuid.UUID
    brand: Literal["mir", "visa", "mastercard"]
    pan_masked: str = Field(examples=["411111******1111"])
    expiry: str = Field(description="MM/YY, as on the card.", examples=["12/30"])
    created_at: datetime

    @classmethod
    def of(cls, card: SavedCard) -> SavedCardOut:
        return cls(
            id=card.id, brand=card.brand, pan_masked=card.pan_masked, expiry=card.expiry, created_at=card.created_at
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


# ----------------------------------------------------------------------------- baskets


class BasketLineIn(RequestModel):
    account_id: uuid.UUID
    amount: AmountText = Field(description="This account's part: roubles, > 0, at most two fraction digits.")

    @property
    def kopecks(self) -> int:
        return int(self.amount)  # the validator turned the text into kopecks already


def basket_lines(lines: list[BasketLineIn]) -> list[BasketLineIn]:
    if not MIN_ITEMS <= len(lines) <= MAX_ITEMS:
        raise ValueError(messages.BASKET_SIZE)
    if len({line.account_id for line in lines}) != len(lines):
        raise ValueError(messages.BASKET_TWICE)
    return lines


class BasketIn(RequestModel):
    # The size is checked by `basket_lines`, with its own sentence; the schema only states it
    # (pydantic's min_length would answer its generic «Слишком мало элементов» first).
    items: Annotated[list[BasketLineIn], AfterValidator(basket_lines)] = Field(
        description=f"The accounts to pay and each one's amount: {MIN_ITEMS} to {MAX_ITEMS}, each account once.",
        json_schema_extra={"minItems": MIN_ITEMS, "maxItems": MAX_ITEMS},
    )
    method: Method = Field("card", description="`card` (the bank's card page) or `sbp` (a QR code).")

    @property
    def lines(self) -> list[BasketLine]:
        return [BasketLine(line.account_id, line.kopecks) for line in self.items]


class BasketPartOut(ResponseModel):
    account_id: uuid.UUID
    account_number: str
    amount: str
    payment_id: uuid.UUID = Field(description="This account's payment: in its history, and `GET /payments/{id}`.")
    status: Status


class BasketStartedOut(ResponseModel):
    id: uuid.UUID
    status: Status = Field(description="`pending` until the bank's order is paid, declined or lapses.")
    amount: str = Field(description="The sum of the parts: what the one bank order is for.")
    method: Method
    items: list[BasketPartOut]
    confirmation_url: str | None = Field(description="The bank's card page for the whole sum; null for SBP.")
    sbp: SbpOut | None = Field(None, description="SBP only: the QR code of the whole sum.")

    @classmethod
    def of(cls, view: BasketView) -> BasketStartedOut:
        basket, qr = view.basket, view.qr
        return cls(
            id=basket.id,
            status=view.status,
            amount=format_kopecks(basket.amount_kopecks),
            method=basket.method,
            items=[part_of(part) for part in view.parts],
            confirmation_url=basket.confirmation_url,
            sbp=None if qr is None else SbpOut(qr_id=qr.qr_id, payload=qr.payload, qr_svg=qr_svg(qr.payload)),
        )


def part_of(part: Payment) -> BasketPartOut:
    return BasketPartOut(
        account_id=part.account_id,
        account_number=part.account_number,
        amount=format_kopecks(part.amount_kopecks),
        payment_id=part.id,
        status=part.status,
    )


class BasketOut(ResponseModel):
    """A basket's outcome, for its result page: the order's status and each account's part."""

    id: uuid.UUID
    status: Status
    amount: str
    method: Method
    items: list[BasketPartOut]
    card: CardOut | None
    failure_reason: str | None
    message: str
    created_at: datetime
    paid_at: datetime | None
    expires_at: datetime | None = EXPIRES_AT

    @classmethod
    def of(cls, view: BasketView, page_lifetime: timedelta) -> BasketOut:
        basket, first = view.basket, view.parts[0]
        return cls(
            id=basket.id,
            status=view.status,
            amount=format_kopecks(basket.amount_kopecks),
            method=basket.method,
            items=[part_of(part) for part in view.parts],
            card=card_of(first),
            failure_reason=first.failure_reason,
            message=message_of(first),
            created_at=basket.created_at,
            paid_at=first.paid_at,
            expires_at=page_lapses_at(first.status, basket.created_at, page_lifetime),
        )


# ----------------------------------------------------------------------------- autopay


def checked_day_of_month(day: int) -> int:
    if not valid_day(day):
        raise ValueError(messages.DAY_OF_MONTH)
    return day


class AutopayIn(RequestModel):
    card_id: uuid.UUID = Field(description="The saved card to pay with (`GET /cards`): the caller's, not deleted.")
    # Checked by `checked_day_of_month` with its own sentence; the schema only states the range.
    day_of_month: Annotated[StrictInt, AfterValidator(checked_day_of_month)] = Field(
        description="The day of each month it pays, 1–28 (Europe/Simferopol).",
        examples=[10],
        json_schema_extra={"minimum": FIRST_DAY, "maximum": LAST_DAY},
    )
    max_amount: AmountText = Field(description="At most this much a month (roubles, > 0): it pays min(due, this).")

    @property
    def max_kopecks(self) -> int:
        return int(self.max_amount)  # the validator turned the text into kopecks already


class AutopayAttemptOut(ResponseModel):
    period: str = Field(description="The month it paid for, YYYY-MM.")
    attempt: int = Field(description="1 on the day, 2 the retry on the day after.")
    status: Literal["pending", "succeeded", "failed"]
    amount: str
    failure_reason: str | None
    message: str
    at: datetime


class AutopayOut(ResponseModel):
    account_id: uuid.UUID
    account_number: str
    status: Literal["active", "disabled"] = Field(
        description="`disabled`: turned off after two failures (or the "
        "account unlinked); `disabled_reason` and `message` say why. PUT turns it on again."
    )
    disabled_reason: Literal["payment_failed", "account_unlinked"] | None
    message: str | None = Field(description="Why it is off, for a person; null while active.")
    card: SavedCardOut | None = Field(description="The card it pays with; null once that card was deleted.")
    day_of_month: int
    max_amount: str
    next_payment_date: date | None = Field(description="The next day it pays (if anything is due); null while off.")
    last_attempt: AutopayAttemptOut | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: AutopayView, today: date) -> AutopayOut:
        autopay, last = view.autopay, view.last_attempt
        active = autopay.status == "active"
        attempt = None
        if last is not None:
            reason = last["reason"]
            status = "pending" if last["status"] == "claimed" else last["status"]
            attempt = AutopayAttemptOut(
                period=last["period"],
                attempt=last["attempt"],
                status=status,
                amount=format_kopecks(last["amount_kopecks"]),
                failure_reason=reason,
                message=messages.PAID
                if status == "succeeded"
                else messages.PENDING
                if status == "pending"
                else messages.FAILURES.get(reason or "declined", messages.FAILURES["declined"]),
                at=last["finished_at"] or last["claimed_at"],
            )
        return cls(
            account_id=autopay.account_id,
            account_number=autopay.account_number,
            status=autopay.status,
            disabled_reason=None if active else autopay.disabled_reason,
            message=None if active else messages.AUTOPAY_DISABLED.get(autopay.disabled_reason or "cancelled"),
            card=None if view.card is None else SavedCardOut.of(view.card),
            day_of_month=autopay.day_of_month,
            max_amount=format_kopecks(autopay.max_amount_kopecks),
            next_payment_date=next_payment_date(today, autopay.day_of_month) if active else None,
            last_attempt=attempt,
            created_at=autopay.created_at,
            updated_at=autopay.updated_at,
        )


# ----------------------------------------------------------------------------- staff: refunds, lookup, story


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


# ----------------------------------------------------------------------------- days

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day_text(value: object) -> object:
    """A day only as the text YYYY-MM-DD. pydantic alone also takes a number, or a string of
    digits, as Unix time (`{"date": 0}`, `?to=0` would be 1970-01-01): no client means that."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # already a day (a caller in Python)
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        # The type validation_ru words as «Ожидается дата в формате ГГГГ-ММ-ДД».
        raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")
    return value


IsoDay = Annotated[dt.date, BeforeValidator(iso_day_text)]
"""A calendar day in a body, a query or a path: ISO text only."""


# ----------------------------------------------------------------------------- reconciliation


class ReconciliationIn(RequestModel):
    date: IsoDay = Field(description="The day to compare (Europe/Simferopol), not after today.")


class DiscrepancyOut(ResponseModel):
    kind: Literal["missing_here", "missing_at_bank", "amount_mismatch", "status_mismatch"]
    acquirer_order_id: str | None
    payment_id: uuid.UUID | None
    bank_amount: str | None
    our_amount: str | None
    resolution: str = Field(
        description="`needs_review` (for a person), or `resolved_by_status_poll` (the bank's status, asked, "
        "settled the payment here)."
    )


class ReconciliationOut(ResponseModel):
    date: dt.date
    status: Literal["running", "completed", "failed"]
    bank_total: str | None = Field(description="The registry's day: payments less refunds and reversals.")
    our_total: str | None = Field(description="Ours for the same orders: paid less refunded.")
    matched: int | None
    discrepancies: list[DiscrepancyOut]
    runs: int
    started_at: datetime
    finished_at: datetime | None


def money(kopecks: int | None) -> str | None:
    return None if kopecks is None else format_kopecks(kopecks)
