"""The payments service's nouns (a payable account, a payment, a line of an account's
history), whose payments a subscriber sees, when a pending payment's card page lapses, and what
an acquirer's answer means for a pending payment: RBS order states and action codes
(docs/acquiring.md) turned into our monotonic outcomes. No I/O.

A callback is only a hint: an outcome is decided from the gateway's own status of the order,
and money counts only if the paid amount is exactly the amount we asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

Brand = Literal["mir", "visa", "mastercard"]
Method = Literal["card", "sbp"]
PaymentStatus = Literal["pending", "succeeded", "failed", "expired", "refunded"]

# Of an account several profiles may have linked, each sees their own online payments in any
# status, and others' only once the money arrived (and when it went back): never another
# profile's attempt left on the bank's page, declined or lapsed (issue 18, item 5).
SHARED_STATUSES: tuple[PaymentStatus, ...] = ("succeeded", "refunded")

REGISTERED, PAID, REVERSED, REFUNDED, IN_3DS, DECLINED = 0, 2, 3, 4, 5, 6
SESSION_EXPIRED = -2007
_REASONS = {
    116: "insufficient_funds",
    5: "declined_by_issuer",
    913: "declined_by_issuer",
    151017: "authentication_failed",
    151018: "processing_timeout",
    -2009: "authentication_abandoned",
}


@dataclass(frozen=True)
class PayableAccount:
    """An account linked to the payer: the region and number a payment and its history are
    kept under (from the access projection, lka_common.access)."""

    account_id: UUID
    region_code: str
    account_number: str


@dataclass(frozen=True)
class Payment:
    """An online payment: one order at the acquirer, and its outcome once settled."""

    id: UUID
    user_id: UUID
    account_id: UUID
    region_code: str
    account_number: str
    amount_kopecks: int
    status: PaymentStatus
    request_fingerprint: str
    order_number: str
    acquirer_order_id: str
    confirmation_url: str | None  # the card page or the 3-D Secure challenge; None: nowhere to go
    payer_email: str | None
    card_brand: Brand | None
    pan_masked: str | None
    failure_reason: str | None
    created_at: datetime
    paid_at: datetime | None
    method: Method = "card"
    save_card: bool = False  # keep the card (the bank's binding) once paid
    card_id: UUID | None = None  # the saved card paid with
    qr_id: str | None = None  # SBP: the QR code's id and text
    qr_payload: str | None = None
    basket_id: UUID | None = None  # one account's part of a basket, whose bank order it shares
    refunded_kopecks: int = 0  # given back to the card so far (its refunds that succeeded)


@dataclass(frozen=True)
class HistoryItem:
    """A line of an account's payment history: one of our online payments, or a payment billing
    registered from another channel (its id is billing's)."""

    id: str
    amount_kopecks: int
    status: PaymentStatus
    source: Literal["online", "billing"]
    channel: str
    card_brand: Brand | None
    pan_masked: str | None
    created_at: datetime
    paid_at: datetime | None


def page_lapses_at(status: PaymentStatus, created_at: datetime, page_lifetime: timedelta) -> datetime | None:
    """When the bank's card page of a pending payment lapses, for the payer to read. The order
    is registered with the session timeout (`sessionTimeoutSecs`) inside the transaction whose
    start is `created_at`, so this is at or a moment before the bank's own end; the bank then
    declines the order (-2007) and the payment turns `expired` (`decide`). None once settled."""
    return created_at + page_lifetime if status == "pending" else None


@dataclass(frozen=True)
class AcquirerOrder:
    """The gateway's view of an order (getOrderStatusExtended)."""

    order_status: int
    action_code: int
    amount: int
    pan_masked: str | None = None
    approval_code: str | None = None
    payment_system: str | None = None
    expiration: str | None = None  # YYYYMM
    binding_id: str | None = None  # the card's binding, for an order registered with clientId
    refunded_amount: int = 0  # paymentAmountInfo.refundedAmount: given back so far


@dataclass(frozen=True)
class Outcome:
    status: Literal["succeeded", "failed", "expired"]
    reason: str | None = None
    brand: Brand | None = None
    pan_masked: str | None = None
    approval_code: str | None = None
    binding_id: str | None = None
    card_expiry: str | None = None  # YYYYMM


def brand_of(order: AcquirerOrder) -> Brand | None:
    """The brand the gateway names, else told by the masked number's prefix."""
    named = (order.payment_system or "").lower()
    if named in ("mir", "visa", "mastercard"):
        return named  # type: ignore[return-value]
    pan = order.pan_masked or ""
    if pan[:4].isdigit() and 2200 <= int(pan[:4]) <= 2204:
        return "mir"
    if pan.startswith("4"):
        return "visa"
    if pan[:2].isdigit() and (51 <= int(pan[:2]) <= 55 or 2221 <= int(pan[:4] or 0) <= 2720):
        return "mastercard"
    return None


class AmountMismatch(Exception):
    """The gateway says paid, for another amount: nobody's money moves until a person looks."""


def decide(
    expected_kopecks: int, created_at: datetime, order: AcquirerOrder, now: datetime, lifetime: timedelta
) -> Outcome | None:
    """The outcome of a pending payment, or None while it is still undecided."""
    if order.order_status == PAID:
        if order.amount != expected_kopecks:
            raise AmountMismatch(f"paid {order.amount}, expected {expected_kopecks}")
        brand = brand_of(order) if order.pan_masked else None  # an SBP transfer has no card
        return Outcome(
            "succeeded", None, brand, order.pan_masked, order.approval_code, order.binding_id, order.expiration
        )
    if order.order_status == DECLINED:
        if order.action_code == SESSION_EXPIRED:
            return Outcome("expired", "expired")
        return Outcome("failed", _REASONS.get(order.action_code, "declined"))
    if order.order_status == REVERSED:
        return Outcome("failed", "reversed")
    if order.order_status == REFUNDED:
        return Outcome("failed", "refunded")
    if order.order_status == 0 and now > created_at + lifetime:
        # The payer never submitted a card and the session is over: nothing can be paid any more.
        return Outcome("expired", "expired")
    return None
