"""What a reading will cost, roughly: the estimate shown with a submitted reading (docs/contract.md §4
"Tariffs, estimates, bills"), so a person sees the month's change at once («видеть текущие
изменения с учетом новых показаний»), before billing issues the bill.

The rules, where the contract leaves them to us (services/readings/README.md, "Estimates"):

- **Consumption** is the new reading less the last one billing accepted for the meter (the
  value the rules compared it with), zone by zone, across a rollover as `rules.consumption`
  counts it.
- **Prices** are the account's tariff in force on the **last day of the reading's billing
  period**: a tariff that changes inside the month prices the whole month at the new price.
  Billing bills a month at the end of it, and one price per zone keeps the figure explainable
  («N кВт·ч × цена»); pro rata would need the days of each reading, which a person's monthly
  reading does not have.
- Of the tariff's versions valid that day, one for the account's region wins over one for
  every region; of several, the latest `valid_from`.
- **Rounding**: each zone's amount (kWh × kopecks per kWh) is rounded half up to the kopeck,
  then summed, as a bill's lines are.
- **No estimate** (null) when there is nothing sound to multiply: no last accepted reading, no
  tariff for the account, no version in force that day, or a tariff whose zones are not the
  meter's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lka_readings.domain.model import Estimate, Meter, Values
from lka_readings.domain.rules import consumption


@dataclass(frozen=True)
class TariffVersion:
    """One version of a tariff as billing announced it: prices per zone from `valid_from` to
    `valid_to` inclusive (None: until further notice), for one region or (None) every region."""

    tariff_id: str
    region_code: str | None
    zones: int
    prices_kopecks: dict[str, int]
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def last_day(period: str) -> date:
    """The last day of a billing period "YYYY-MM": the day whose prices the estimate takes."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def in_force(versions: list[TariffVersion], region_code: str, day: date) -> TariffVersion | None:
    """The version that prices this region's consumption on this day, or None."""
    valid = [v for v in versions if v.valid_on(day) and v.region_code in (None, region_code)]
    if not valid:
        return None
    return max(valid, key=lambda v: (v.region_code is not None, v.valid_from))


def zone_amount(used_kwh: Decimal, price_kopecks: int) -> int:
    return int((used_kwh * price_kopecks).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def estimate(
    meter: Meter, values: Values, versions: list[TariffVersion], region_code: str, period: str
) -> Estimate | None:
    """The cost of the consumption since the meter's last accepted reading, or None."""
    last = meter.last_reading
    if last is None or set(last.values) != set(values):
        return None
    tariff = in_force(versions, region_code, last_day(period))
    if tariff is None or set(tariff.prices_kopecks) != set(meter.zone_names):
        return None
    amount = sum(
        zone_amount(consumption(values[zone], last.values[zone], meter.digits), tariff.prices_kopecks[zone])
        for zone in meter.zone_names
    )
    return Estimate(amount, period, tariff.tariff_id)
