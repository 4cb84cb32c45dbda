"""The billing period a reading counts for (docs/contract.md §1, §2): the month of submission, or the
next one after the supplier's closing day, by the calendar of Crimea (Europe/Simferopol), not
of the server, so a reading sent at 01:00 local on the 26th is already next month's."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CALENDAR = ZoneInfo("Europe/Simferopol")


def billing_period(submitted_at: datetime, closing_day: int) -> str:
    """ "YYYY-MM" for a reading submitted at this (aware) moment."""
    return period_of_day(local_date(submitted_at), closing_day)


def period_of_day(day: date, closing_day: int) -> str:
    """ "YYYY-MM" for a reading taken on this day in Crimea (billing's readings carry only a date)."""
    year, month = day.year, day.month
    if day.day > closing_day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}"


def local_date(moment: datetime) -> date:
    return moment.astimezone(CALENDAR).date()


def local_day(moment: datetime) -> tuple[datetime, datetime]:
    """The start of this moment's day in Crimea and the start of the next one (aware)."""
    today = local_date(moment)
    start = datetime.combine(today, time(), CALENDAR)
    return start, datetime.combine(today + timedelta(days=1), time(), CALENDAR)
