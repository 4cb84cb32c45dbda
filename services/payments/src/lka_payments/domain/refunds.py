"""Refunds of a payment (docs/contract.md §4 "Refunds"): the arithmetic that keeps them within
what was paid, when a second person must approve one, and who may decide it. No I/O.

A refund's amount counts against the payment from the moment it is asked for (`RESERVING`), not
only once the bank gave it back: two requests at once, each within the rest alone, cannot both
pass. A rejected or failed one frees its amount again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from lka_payments.domain.errors import PaymentsError

RefundStatus = Literal["awaiting_approval", "pending", "succeeded", "failed", "rejected"]
# The statuses whose amount is spoken for: waiting for a supervisor, at the bank, or given back.
RESERVING: tuple[RefundStatus, ...] = ("awaiting_approval", "pending", "succeeded")
# A payment refunds while it is paid: in full once all of it went back (`refunded`), then no more.
REFUNDABLE_STATUSES = ("succeeded",)


@dataclass(frozen=True)
class Refund:
    id: uuid.UUID
    payment_id: uuid.UUID
    amount_kopecks: int
    reason: str
    status: RefundStatus
    requested_by: uuid.UUID
    request_fingerprint: str
    decided_by: uuid.UUID | None
    decision_comment: str | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    refunded_at: datetime | None


class RefundAboveRest(PaymentsError):
    """More than what is left of the payment to give back."""

    def __init__(self, left_kopecks: int) -> None:
        super().__init__(left_kopecks)
        self.left_kopecks = left_kopecks


class NotRefundable(PaymentsError):
    """The payment has no money to give back: not paid (pending, failed, lapsed) or refunded in full."""


def reserved(refunds: Iterable[Refund]) -> int:
    """Kopecks of a payment already spoken for by its refunds."""
    return sum(refund.amount_kopecks for refund in refunds if refund.status in RESERVING)


def left_to_refund(paid_kopecks: int, refunds: Iterable[Refund]) -> int:
    return max(paid_kopecks - reserved(refunds), 0)


def check_amount(amount_kopecks: int, paid_kopecks: int, refunds: Iterable[Refund]) -> None:
    """Refuse a refund that, with those asked for before, would give back more than was paid."""
    left = left_to_refund(paid_kopecks, refunds)
    if amount_kopecks > left:
        raise RefundAboveRest(left)


def needs_approval(amount_kopecks: int, threshold_kopecks: int) -> bool:
    """Above the threshold a refund waits for a supervisor other than the one who asked."""
    return amount_kopecks > threshold_kopecks


Decision = Literal["approve", "reject"]


class NotAwaiting(PaymentsError):
    """The refund is not waiting for a decision (decided already, or never needed one)."""


class SameActor(PaymentsError):
    """Four eyes: whoever asked for a refund never decides it."""


def check_decision(refund: Refund, decider: uuid.UUID) -> None:
    if refund.requested_by == decider:
        raise SameActor
    if refund.status != "awaiting_approval":
        raise NotAwaiting


def payment_status_after(paid_kopecks: int, refunded_kopecks: int) -> Literal["succeeded", "refunded"]:
    """A payment given back in full is `refunded`; in part it stays `succeeded` (its
    `refunded_amount` says how much went back)."""
    return "refunded" if refunded_kopecks >= paid_kopecks else "succeeded"
