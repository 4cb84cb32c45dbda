"""Events published by the payments service: online payments (by card or by SBP) that succeeded,
failed or were refunded, autopay set or ended, and the day's reconciliation with the bank done.

No card data travels here but the brand: the card page is the acquirer's (docs/acquiring.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import AccountNumber, Moment, PositiveKopecks, RegionCode

PaymentMethod = Literal["card", "sbp"]
# Added after the first version (optional, so events written before still read): how the payer paid.
METHOD = Field(None, description="How the payer paid: `card` (a card, saved or typed) or `sbp` (an SBP QR code).")
# Added later too: the basket this payment is one account's part of (one bank order for several
# accounts, each with its own event), or null for a payment of one account.
BASKET = Field(None, description="The basket (one bank order for several accounts) this payment is part of, or null.")


class PaymentSucceeded(EventData):
    """The acquirer confirmed an online payment; billing has yet to register it."""

    event_type = "payments.payment.succeeded.v1"

    payment_id: UUID
    user_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    amount_kopecks: PositiveKopecks
    paid_at: Moment
    card_brand: Literal["mir", "visa", "mastercard"] | None = Field(
        description="The card's brand; null when paid by SBP (`method` `sbp`), where no card is used."
    )
    acquirer_order_id: str = Field(description="The acquirer's order id, for reconciliation.")
    method: PaymentMethod | None = METHOD
    basket_id: UUID | None = BASKET


class PaymentFailed(EventData):
    """An online payment did not go through; `reason` says why."""

    event_type = "payments.payment.failed.v1"

    payment_id: UUID
    user_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    amount_kopecks: PositiveKopecks
    reason: str
    method: PaymentMethod | None = METHOD
    basket_id: UUID | None = BASKET


class AutopayEnabled(EventData):
    """A subscriber set (or changed) autopay of an account: paid with their saved card on that day."""

    event_type = "payments.autopay.enabled.v1"

    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    user_id: UUID
    day_of_month: int = Field(ge=1, le=28, description="The day of each month it pays, in Europe/Simferopol.")
    max_amount_kopecks: PositiveKopecks = Field(description="It pays the amount due, at most this much.")


class AutopayDisabled(EventData):
    """Autopay of an account ended; `reason` says why."""

    event_type = "payments.autopay.disabled.v1"

    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    user_id: UUID
    reason: Literal["cancelled", "payment_failed", "account_unlinked"] = Field(
        description="`cancelled` by the subscriber, `payment_failed` twice in a month, or `account_unlinked`."
    )


class PaymentRefunded(EventData):
    """The acquirer gave (part of) a succeeded payment back to the payer's card; billing books it
    against the account. Several refunds of one payment are one event each."""

    event_type = "payments.payment.refunded.v1"

    payment_id: UUID
    refund_id: UUID
    user_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    amount_kopecks: PositiveKopecks = Field(description="What this refund gave back (not the payment's whole amount).")
    refunded_at: Moment


class ReconciliationCompleted(EventData):
    """A day's payments were compared with the acquirer's registry (a run again replaces the day's)."""

    event_type = "payments.reconciliation.completed.v1"

    date: dt.date = Field(description="The day compared, in Europe/Simferopol.")
    matched: int = Field(ge=0, description="Bank orders whose payments and refunds agree with ours.")
    discrepancies: int = Field(ge=0, description="Findings, those resolved by a status poll included.")


class PaymentsAuditRecorded(AuditRecorded):
    """A staff action or read payments recorded in its audit chain (lka_common.audit)."""

    event_type = "payments.audit.recorded.v1"
    service = "payments"
