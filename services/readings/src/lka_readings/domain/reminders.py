"""When the reminders are due (docs/contract.md §4 "Reminders"), without I/O.

The reading window: a billing period "YYYY-MM" takes the readings from the day after the
previous month's closing day to its own closing day (domain/periods.py). The reminder is due from
`days` before the closing day to the closing day itself: a run on the first of those days sends
it, and a run on a later one (the worker was down) still does, for the accounts not reminded yet.

Verification due: a month before a meter's verification date and on the day (below).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from lka_readings.domain.periods import period_of_day

READING_WINDOW = "reading_window"


@dataclass(frozen=True)
class PeriodWindow:
    period: str  # "YYYY-MM"
    first_day: date  # the first day whose readings count for the period
    closing: date  # the last


def closing_date(year: int, month: int, closing_day: int) -> date:
    """The closing day of that month; a closing day past the month's end is its last day."""
    return date(year, month, min(closing_day, calendar.monthrange(year, month)[1]))


def window_of(period: str, closing_day: int) -> PeriodWindow:
    year, month = int(period[:4]), int(period[5:7])
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    first_day = closing_date(*before, closing_day) + timedelta(days=1)
    return PeriodWindow(period, first_day, closing_date(year, month, closing_day))


def reminder_due(today: date, closing_day: int, days: int) -> PeriodWindow | None:
    """The period whose reading-window reminder is due today, or None outside the last `days` days."""
    window = window_of(period_of_day(today, closing_day), closing_day)
    return window if window.closing - timedelta(days=days) <= today <= window.closing else None


# The verification-due reminder (поверка): one letter a month before a meter's `verification_due`
# and one on the day, each keyed by its kind, the meter and that date (a new date, after billing
# records a verification, is a new pair of reminders).
VERIFICATION_MONTH_BEFORE = "verification_month_before"
VERIFICATION_ON_THE_DAY = "verification_due"
MONTH_BEFORE_DAYS = 30
# A run missed on the day (the worker down, the scheduler off) still sends the on-the-day letter
# this many days after; later the date is past for good and nothing is sent.
ON_THE_DAY_GRACE_DAYS = 3


@dataclass(frozen=True)
class VerificationStage:
    kind: str  # the key's kind in `reminders_sent`
    name: str  # the letter's `stage` parameter
    first_due: date  # the meters whose verification date is in [first_due, last_due] get it today
    last_due: date


def verification_stages(today: date) -> tuple[VerificationStage, ...]:
    """Which verification dates each reminder is due for today: "a month before" while today is
    in [due − 30, due), "on the day" while today is in [due, due + ON_THE_DAY_GRACE_DAYS]."""
    month_ahead = today + timedelta(days=MONTH_BEFORE_DAYS)
    grace = today - timedelta(days=ON_THE_DAY_GRACE_DAYS)
    return (
        VerificationStage(VERIFICATION_MONTH_BEFORE, "month_before", today + timedelta(days=1), month_ahead),
        VerificationStage(VERIFICATION_ON_THE_DAY, "due", grace, today),
    )
