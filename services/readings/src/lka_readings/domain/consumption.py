"""Monthly consumption per meter and zone, from the meter's accepted readings.

A meter's register is known on the days a reading of it was accepted: billing's own (every
last reading its meter events carried, kept as a history, not only the newest) and ours that
billing accepted. In each billing period the latest of them stands for the period; a period's
consumption is its reading less the one standing for the period before it (the latest earlier
period that has one), across a rollover when the register wrapped. A period with nothing
accepted before it shows nothing rather than a guess.

Billing accepting our reading, and sending it back as the meter's last one, adds nothing new
and takes nothing away: the month stays as it was (it used to vanish, issue 18 item 4).

The newest reading still awaiting billing's verdict, if it came after everything accepted,
stands for its period too, marked `pending`, so a person sees the month they just submitted at
once; accepted it stays with the same numbers, rejected the period falls back to what billing
accepted. Older undecided readings and rejected ones never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from lka_readings.domain.model import Meter, Values
from lka_readings.domain.rules import consumption

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Point:
    """A meter's register on a day (in Crimea): a reading billing accepted, billing's own or
    ours, or ours awaiting the verdict. `at` orders the points of one day: when ours was
    submitted, or when billing said so (its event's time, else when we heard it)."""

    meter_id: UUID
    period: str
    taken_on: date
    at: datetime
    values: Values
    ours: bool = False


@dataclass(frozen=True)
class MonthlyConsumption:
    period: str
    meter_id: UUID
    zones: dict[str, Decimal]
    pending: bool = False  # from a reading billing has not decided on yet


def monthly(
    meter: Meter, accepted: list[Point], waiting: Point | None = None, ceiling: Decimal | None = None
) -> list[MonthlyConsumption]:
    """Newest first, at most twelve months of one meter. `accepted`: the meter's accepted points
    in any order (billing's and ours, one day may have several); `waiting`: its newest reading
    billing has not decided on, if any. A month whose reading is below the previous one by more
    than a rollover within `ceiling` could be (billing corrected a reading, a register was
    replaced) shows nothing rather than a register's worth of kWh."""
    standing: dict[str, Point] = {}
    for point in accepted:
        held = standing.get(point.period)
        if held is None or _order(point) > _order(held):
            standing[point.period] = point
    pending_period = None
    if waiting is not None and _after_everything(waiting, accepted):
        standing[waiting.period] = waiting
        pending_period = waiting.period
    found: list[MonthlyConsumption] = []
    before: Point | None = None
    for period in sorted(standing):
        point = standing[period]
        if before is not None and set(before.values) >= set(point.values):
            last = before.values
            zones = {zone: consumption(value, last[zone], meter.digits) for zone, value in point.values.items()}
            wrapped = [zone for zone, value in point.values.items() if value < last[zone]]
            if ceiling is None or all(zones[zone] <= ceiling for zone in wrapped):
                found.append(MonthlyConsumption(period, meter.id, zones, pending=period == pending_period))
        before = point
    return list(reversed(found))[:MONTHS_SHOWN]


def _order(point: Point) -> tuple[date, datetime]:
    return point.taken_on, point.at


def _after_everything(waiting: Point, accepted: list[Point]) -> bool:
    """Whether the undecided reading is newer than every accepted one: taken on their day or
    later, and submitted after every reading of ours billing accepted. Billing's own points of
    the same day do not hide it (their time is billing's, not when the register was read)."""
    return not any(point.taken_on > waiting.taken_on or (point.ours and point.at >= waiting.at) for point in accepted)
