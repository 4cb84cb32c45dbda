"""The appeal's due date: 10 working days after its registration, by the Russian production
calendar (производственный календарь).

The calendar is the `holidays` package's Russia (`holidays.country_holidays("RU")`): the public
holidays of the Labour Code (art. 112) and the government's yearly transfers, both ways: a
holiday's day off moved to a weekday (31.12.2026, 09.01.2026) is a day off, and a Saturday or
Sunday made a working day (`weekend_workdays`, 20.02.2027) is a working day; its
`is_working_day` answers both. The count starts the day after registration (the day of
registration is not counted, as a period in days runs in Russian law), in the supplier's
time zone, and the due date is the tenth working day: an appeal registered on Monday 28.12.2026
is due on 20.01.2027 (29 and 30 December, then the New Year holidays and 31.12.2026, a
transferred day off, then eight working days from 11 January). A new year's transfers come
with a newer `holidays` release (the government decrees them a year ahead).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

WORKING_DAYS_TO_ANSWER = 10
# Crimea keeps Moscow time: a date is the supplier's date, not UTC's.
SUPPLIER_ZONE = ZoneInfo("Europe/Simferopol")


@cache
def _calendar() -> holidays.HolidayBase:
    return holidays.country_holidays("RU")


def is_working_day(day: date) -> bool:
    return bool(_calendar().is_working_day(day))


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (not counting `start` itself)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def local_date(moment: datetime) -> date:
    return moment.astimezone(SUPPLIER_ZONE).date()


def due_date(registered_at: datetime) -> date:
    return add_working_days(local_date(registered_at), WORKING_DAYS_TO_ANSWER)


def today() -> date:
    """The supplier's date now (whether an appeal is overdue)."""
    return local_date(datetime.now(UTC))
