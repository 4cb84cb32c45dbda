"""Autopay (docs/contract.md §2 "payments"): an account paid with its owner's saved card on a day
of each month (1–28, Europe/Simferopol), the amount due but at most a cap; a failed attempt
retried once the next day, a second failure turning autopay off. The rules, no I/O.

An attempt is keyed (account, month, attempt 1 or 2): whatever crashes or replicas, each is made
at most once (service_layer/autopay_run.py claims the key before the bank is asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

FIRST_DAY, LAST_DAY = 1, 28  # every month has the 28th
REMINDER_DAYS_BEFORE = 3
AutopayStatus = Literal["active", "disabled"]
DisabledReason = Literal["cancelled", "payment_failed", "account_unlinked"]
# Why an attempt failed without the bank deciding: the card gone, or one that asks for 3-D Secure,
# which nobody can pass unattended.
CARD_GONE = "card_not_found"
NEEDS_AUTHENTICATION = "authentication_required"


@dataclass(frozen=True)
class Autopay:
    account_id: UUID
    user_id: UUID
    region_code: str
    account_number: str
    card_id: UUID
    day_of_month: int
    max_amount_kopecks: int
    status: AutopayStatus
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Attempt:
    """One attempt to be made today: of which month, first or the retry."""

    period: str  # YYYY-MM
    number: Literal[1, 2]


def valid_day(day: int) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def amount_due(debt_kopecks: int, penalty_kopecks: int, paid_since_kopecks: int) -> int:
    """What the account owes now: billing's debt and penalty (as `amount_due` of `GET /accounts`),
    less what was paid in the portal since billing computed them (not yet in its balance)."""
    return max(debt_kopecks + penalty_kopecks - paid_since_kopecks, 0)


def amount_to_charge(due_kopecks: int, max_amount_kopecks: int) -> int | None:
    """min(due, cap); None when nothing is due (then nothing is paid, nor counted as a failure)."""
    if due_kopecks <= 0:
        return None
    return min(due_kopecks, max_amount_kopecks)


def attempts_due(today: date, day_of_month: int) -> list[Attempt]:
    """Which attempts today may make: the first on the day, the retry on the day after (made only
    if the first failed). Both fall in the same month, as the day is at most the 28th."""
    if today.day == day_of_month:
        return [Attempt(period_of(today), 1)]
    if today.day == day_of_month + 1:
        return [Attempt(period_of(today), 2)]
    return []


def reminder_for(today: date) -> date:
    """The payment day whose reminder goes out today: 3 days ahead (possibly next month)."""
    return today + timedelta(days=REMINDER_DAYS_BEFORE)


def next_payment_date(today: date, day_of_month: int) -> date:
    """The next day autopay pays (today included): this month's, else next month's."""
    if today.day <= day_of_month:
        return today.replace(day=day_of_month)
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next.replace(day=day_of_month)


def turns_off(attempt: int, succeeded: bool) -> bool:
    """A second failure in a month turns autopay off."""
    return not succeeded and attempt == 2
