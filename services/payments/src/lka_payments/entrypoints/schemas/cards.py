"""A saved card as `GET /cards` and autopay show it (docs/contract.md §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from lka_common.schemas import ResponseModel
from lka_payments.domain.cards import SavedCard


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
