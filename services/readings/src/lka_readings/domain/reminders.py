"""When the reading-window reminder is due (docs/contract.md §4 "Reminders"), without I/O.

A billing period "YYYY-MM" takes the readings from the day after the previous month's closing
day to its own closing day (domain/periods.py). The reminder is due from `days` before the
closing day to the closing day itself: a run on the first of those days sends it, and a run on a
later one (the worker was down) still does, for the accounts not reminded yet.
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
