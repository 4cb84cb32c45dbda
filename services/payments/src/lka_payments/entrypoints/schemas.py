"""Request and response bodies of the payments API (CONTRACT §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictStr

from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.money import format_kopecks, parse_amount

AmountText = Annotated[StrictStr, Field(max_length=20, examples=["1523.40"]), AfterValidator(parse_amount)]


class PaymentIn(RequestModel):
    account_id: uuid.UUID
    amount: AmountText = Field(description="Roubles, a decimal string with at most two fraction digits, > 0.")

    @property
    def kopecks(self) -> int:
        # The validator turned the text into kopecks already.
        return int(self.amount)


class StartedOut(ResponseModel):
    id: uuid.UUID
    status: Literal["pending"] = "pending"
    amount: str
    confirmation_url: str = Field(description="The acquirer's card page: send the payer's browser there.")


class CardOut(ResponseModel):
    brand: Literal["mir", "visa", "mastercard"]
    pan_masked: str


def card_of(row: Any) -> CardOut | None:
    if row["card_brand"] and row["pan_masked"]:
        return CardOut(brand=row["card_brand"], pan_masked=row["pan_masked"])
    return None


Status = Literal["pending", "succeeded", "failed", "expired", "refunded"]


class PaymentOut(ResponseModel):
    id: uuid.UUID
    account_id: uuid.UUID
    amount: str
    status: Status
    card: CardOut | None
    failure_reason: str | None
    message: str
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> PaymentOut:
        status = row["status"]
        if status == "succeeded":
            message = messages.PAID
        elif status == "pending":
            message = messages.PENDING
        else:
            message = messages.FAILURES.get(row["failure_reason"] or "declined", messages.FAILURES["declined"])
        return cls(
            id=row["id"],
            account_id=row["account_id"],
            amount=format_kopecks(row["amount_kopecks"]),
            status=status,
            card=card_of(row),
            failure_reason=row["failure_reason"],
            message=message,
            created_at=row["created_at"],
            paid_at=row["paid_at"],
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

    @classmethod
    def of(cls, row: Any) -> HistoryItemOut:
        return cls(
            id=row["id"],
            amount=format_kopecks(row["amount_kopecks"]),
            status=row["status"],
            source=row["source"],
            channel=row["channel"],
            card=card_of(row),
            created_at=row["created_at"],
            paid_at=row["paid_at"],
        )
