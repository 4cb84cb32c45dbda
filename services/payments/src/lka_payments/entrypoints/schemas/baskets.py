"""The bodies of a basket: several accounts paid by one bank order (`POST /payments/basket`,
`GET /payments/baskets/{id}`; docs/contract.md §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field

from lka_common.money import format_kopecks
from lka_common.qr_code import qr_svg
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.basket import MAX_ITEMS, MIN_ITEMS, BasketLine
from lka_payments.domain.model import Method, Payment, page_lapses_at
from lka_payments.entrypoints.schemas.payments import (
    EXPIRES_AT,
    AmountText,
    CardOut,
    SbpOut,
    Status,
    card_of,
    message_of,
)
from lka_payments.service_layer.basket_checkout import BasketView


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
