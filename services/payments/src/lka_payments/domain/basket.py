"""Baskets: several of the payer's accounts paid at once, by one bank order (docs/contract.md §2
"payments"). Each account's part is a payment of its own (its history, billing's booking and its
event stay per account); the parts share the order, so they settle together, to one outcome. No I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from lka_payments.domain.model import Method, Payment, PaymentStatus

MIN_ITEMS, MAX_ITEMS = 2, 10


@dataclass(frozen=True)
class BasketLine:
    account_id: UUID
    kopecks: int


@dataclass(frozen=True)
class Basket:
    """The basket's bank order and how it is paid; its parts are `Payment`s with its id."""

    id: UUID
    user_id: UUID
    amount_kopecks: int
    method: Method
    request_fingerprint: str
    order_number: str
    acquirer_order_id: str
    confirmation_url: str | None
    qr_id: str | None
    qr_payload: str | None
    created_at: datetime


def total(lines: Sequence[BasketLine]) -> int:
    return sum(line.kopecks for line in lines)


def fingerprint(lines: Sequence[BasketLine], method: Method) -> str:
    """What makes two baskets "the same" for an Idempotency-Key: the accounts and amounts in the
    order given, and how to pay."""
    text = "basket:" + method + ";" + ";".join(f"{line.account_id}:{line.kopecks}" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()


def status_of(parts: Sequence[Payment]) -> PaymentStatus:
    """The basket's status: its parts move together (one order, one transaction), so any part's;
    a refund, one day, is per part: then the basket is `succeeded` while any part still is."""
    statuses = {part.status for part in parts}
    if len(statuses) == 1:
        return parts[0].status
    return "succeeded" if "succeeded" in statuses else parts[0].status
