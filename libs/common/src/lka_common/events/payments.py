"""Events published by the payments service: online card payments that succeeded or failed.

No card data travels here but the brand: the card page is the acquirer's (docs/acquiring.md).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import AccountNumber, Moment, PositiveKopecks, RegionCode


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
    card_brand: Literal["mir", "visa", "mastercard"]
    acquirer_order_id: str = Field(description="The acquirer's order id, for reconciliation.")


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


class PaymentsAuditRecorded(AuditRecorded):
    """A staff action or read payments recorded in its audit chain (lka_common.audit)."""

    event_type = "payments.audit.recorded.v1"
    service = "payments"
