"""Saved cards: bindings the bank keeps for a subscriber (RBS `clientId`), of which the portal
keeps only what the bank returned (binding id, brand, masked number, expiry), and when a paid
payment leaves one to keep. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from lka_payments.domain.model import Brand, Outcome, Payment


@dataclass(frozen=True)
class SavedCard:
    id: UUID
    user_id: UUID
    binding_id: str
    brand: Brand
    pan_masked: str
    expiry: str  # MM/YY, as on the card
    created_at: datetime


@dataclass(frozen=True)
class CardToKeep:
    binding_id: str
    brand: Brand
    pan_masked: str
    expiry: str


def client_id(user_id: UUID) -> str:
    """The bank's `clientId` of a subscriber: their user id, stable for as long as they exist,
    so every binding made for them is listed together (`getBindings.do`)."""
    return str(user_id)


def expiry_text(yyyymm: str) -> str:
    """`203012` (RBS) as the card shows it: `12/30`."""
    return f"{yyyymm[4:6]}/{yyyymm[2:4]}" if len(yyyymm) == 6 and yyyymm.isdigit() else ""


def card_to_keep(payment: Payment, outcome: Outcome) -> CardToKeep | None:
    """The card a payment that just succeeded leaves to keep: only when the payer asked to save
    it and the bank made a binding and told us the card's brand, masked number and expiry."""
    if not payment.save_card or outcome.status != "succeeded" or not outcome.binding_id:
        return None
    expiry = expiry_text(outcome.card_expiry or "")
    if outcome.brand is None or not outcome.pan_masked or not expiry:
        return None
    return CardToKeep(outcome.binding_id, outcome.brand, outcome.pan_masked, expiry)
