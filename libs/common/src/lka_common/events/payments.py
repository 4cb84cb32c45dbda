"""Events published by the payments service: online payments (by card or by SBP) that succeeded
or failed.

No card data travels here but the brand: the card page is the acquirer's (docs/acquiring.md).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import AccountNumber, Moment, PositiveKopecks, RegionCode

PaymentMethod = Literal["card", "sbp"]
# Added after the first version (optional, so events written before still read): how the payer paid.
METHOD = Field(None, description="How the payer paid: `card` (a card, saved or typed) or `sbp` (an SBP QR code).")


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


class PaymentsAuditRecorded(AuditRecorded):
    """A staff action or read payments recorded in its audit chain (lka_common.audit)."""

    event_type = "payments.audit.recorded.v1"
    service = "payments"
