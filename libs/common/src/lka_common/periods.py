"""Billing periods (`YYYY-MM`) in the words a subscriber reads them."""

from __future__ import annotations

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def month_and_year(period: str) -> str:
    """ "2026-11" -> «ноябрь 2026»: the caller adds «года» or «г.» as its sentence needs."""
    year, month = period.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"
