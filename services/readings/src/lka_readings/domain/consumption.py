"""Monthly consumption per meter and zone, from the readings of consecutive periods.

A period's consumption is its reading less the one before it (the previous period's reading
or, before the first one, billing's last accepted reading if it is older), across a rollover
when the register wrapped. A period without a predecessor shows nothing rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from lka_readings.domain.model import Meter, Values
from lka_readings.domain.rules import consumption

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class PeriodReading:
    """The reading that stands for a meter in a period (its latest one not rejected)."""

    meter_id: UUID
    period: str
    values: Values
    submitted_on: date  # the local date it was submitted


@dataclass(frozen=True)
class MonthlyConsumption:
    period: str
    meter_id: UUID
    zones: dict[str, Decimal]


def monthly(meter: Meter, readings: list[PeriodReading]) -> list[MonthlyConsumption]:
    """Newest first, at most twelve months of one meter; `readings` one per period, any order."""
    ordered = sorted(readings, key=lambda reading: reading.period)
    found: list[MonthlyConsumption] = []
    before = _baseline(meter, ordered)
    for reading in ordered:
        if before is not None and set(before) >= set(reading.values):
            zones = {zone: consumption(value, before[zone], meter.digits) for zone, value in reading.values.items()}
            found.append(MonthlyConsumption(reading.period, meter.id, zones))
        before = reading.values
    return list(reversed(found))[:MONTHS_SHOWN]


def _baseline(meter: Meter, ordered: list[PeriodReading]) -> Values | None:
    """Billing's last accepted reading, if it was taken before our first one (once billing
    accepts a reading of ours it sends that very reading back as the last one: not a baseline)."""
    last = meter.last_reading
    if last is None or not ordered or last.date >= ordered[0].submitted_on:
        return None
    return last.values
