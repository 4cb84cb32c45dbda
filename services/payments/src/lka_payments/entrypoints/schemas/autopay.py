"""The bodies of `/accounts/{id}/autopay` (docs/contract.md §2 "payments")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictInt

from lka_common.money import format_kopecks
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.domain import messages
from lka_payments.domain.autopay import FIRST_DAY, LAST_DAY, next_payment_date, valid_day
from lka_payments.entrypoints.schemas.cards import SavedCardOut
from lka_payments.entrypoints.schemas.payments import AmountText
from lka_payments.service_layer.autopay_setup import AutopayView


def checked_day_of_month(day: int) -> int:
    if not valid_day(day):
        raise ValueError(messages.DAY_OF_MONTH)
    return day


class AutopayIn(RequestModel):
    card_id: uuid.UUID = Field(description="The saved card to pay with (`GET /cards`): the caller's, not deleted.")
    # Checked by `checked_day_of_month` with its own sentence; the schema only states the range.
    day_of_month: Annotated[StrictInt, AfterValidator(checked_day_of_month)] = Field(
        description="The day of each month it pays, 1–28 (Europe/Simferopol).",
        examples=[10],
        json_schema_extra={"minimum": FIRST_DAY, "maximum": LAST_DAY},
    )
    max_amount: AmountText = Field(description="At most this much a month (roubles, > 0): it pays min(due, this).")

    @property
    def max_kopecks(self) -> int:
        return int(self.max_amount)  # the validator turned the text into kopecks already


class AutopayAttemptOut(ResponseModel):
    period: str = Field(description="The month it paid for, YYYY-MM.")
    attempt: int = Field(description="1 on the day, 2 the retry on the day after.")
    status: Literal["pending", "succeeded", "failed"]
    amount: str
    failure_reason: str | None
    message: str
    at: datetime


class AutopayOut(ResponseModel):
    account_id: uuid.UUID
    account_number: str
    status: Literal["active", "disabled"] = Field(
        description="`disabled`: turned off after two failures (or the "
        "account unlinked); `disabled_reason` and `message` say why. PUT turns it on again."
    )
    disabled_reason: Literal["payment_failed", "account_unlinked"] | None
    message: str | None = Field(description="Why it is off, for a person; null while active.")
    card: SavedCardOut | None = Field(description="The card it pays with; null once that card was deleted.")
    day_of_month: int
    max_amount: str
    next_payment_date: date | None = Field(description="The next day it pays (if anything is due); null while off.")
    last_attempt: AutopayAttemptOut | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: AutopayView, today: date) -> AutopayOut:
        autopay, last = view.autopay, view.last_attempt
        active = autopay.status == "active"
        attempt = None
        if last is not None:
            reason = last["reason"]
            status = "pending" if last["status"] == "claimed" else last["status"]
            attempt = AutopayAttemptOut(
                period=last["period"],
                attempt=last["attempt"],
                status=status,
                amount=format_kopecks(last["amount_kopecks"]),
                failure_reason=reason,
                message=messages.PAID
                if status == "succeeded"
                else messages.PENDING
                if status == "pending"
                else messages.FAILURES.get(reason or "declined", messages.FAILURES["declined"]),
                at=last["finished_at"] or last["claimed_at"],
            )
        return cls(
            account_id=autopay.account_id,
            account_number=autopay.account_number,
            status=autopay.status,
            disabled_reason=None if active else autopay.disabled_reason,
            message=None if active else messages.AUTOPAY_DISABLED.get(autopay.disabled_reason or "cancelled"),
            card=None if view.card is None else SavedCardOut.of(view.card),
            day_of_month=autopay.day_of_month,
            max_amount=format_kopecks(autopay.max_amount_kopecks),
            next_payment_date=next_payment_date(today, autopay.day_of_month) if active else None,
            last_attempt=attempt,
            created_at=autopay.created_at,
            updated_at=autopay.updated_at,
        )
