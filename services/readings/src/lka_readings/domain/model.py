"""The readings service's nouns: meters as billing sends them, and the readings subscribers submit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

Values = dict[str, Decimal]
ReadingStatus = Literal["submitted", "sent", "accepted", "rejected"]
Source = Literal["web", "anonymous"]

ZONES: dict[int, tuple[str, ...]] = {1: ("T1",), 2: ("T1", "T2"), 3: ("T1", "T2", "T3")}
# What the zones are called on a meter of that many zones (for people; the keys stay T1…T3).
ZONE_TITLES: dict[int, tuple[str, ...]] = {
    1: ("T1",),
    2: ("T1 день", "T2 ночь"),
    3: ("T1 пик", "T2 ночь", "T3 полупик"),
}


@dataclass(frozen=True)
class LastReading:
    """The last reading billing accepted for a meter."""

    values: Values
    date: date


@dataclass(frozen=True)
class Meter:
    """A meter of a billing account (region, number), as billing last sent it."""

    id: UUID
    region_code: str
    account_number: str
    serial_number: str
    zones: int
    digits: int
    last_reading: LastReading | None

    @property
    def zone_names(self) -> tuple[str, ...]:
        return ZONES[self.zones]

    @property
    def zone_titles(self) -> tuple[str, ...]:
        return ZONE_TITLES[self.zones]


@dataclass(frozen=True)
class Account:
    """Our account id (the accounts service's) and the billing account it stands for."""

    id: UUID
    region_code: str
    number: str


@dataclass(frozen=True)
class Estimate:
    """What a reading's consumption costs at the account's tariff (domain/estimates.py)."""

    amount_kopecks: int
    period: str
    tariff_id: str


@dataclass(frozen=True)
class Reading:
    """A submitted reading and where billing's verdict on it stands."""

    id: UUID
    meter_id: UUID
    values: Values
    submitted_at: datetime
    billing_period: str
    source: Source
    status: ReadingStatus
    status_reason: str | None
    # What it was estimated to cost when submitted (domain/estimates.py): kopecks and tariff.
    estimate_kopecks: int | None = None
    estimate_tariff_id: str | None = None

    @property
    def estimate(self) -> Estimate | None:
        if self.estimate_kopecks is None or self.estimate_tariff_id is None:
            return None
        return Estimate(self.estimate_kopecks, self.billing_period, self.estimate_tariff_id)
