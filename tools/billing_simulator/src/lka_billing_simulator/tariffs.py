"""The simulator's tariffs (`billing.tariff.updated.v1`): one-, two- and three-zone prices for the
whole of Crimea (`region_code` null), each with the price rise of 1 July 2026 as a new version,
so an estimate or a bill takes the price in force for its month.

Prices in kopecks per kWh, plausible for households, not the regulator's figures.
"""

from __future__ import annotations

from datetime import date

from lka_billing_simulator.demo import AS_OF
from lka_billing_simulator.events import envelope
from lka_common.events.billing import BillingTariffUpdated
from lka_common.events.envelope import CloudEvent

RISE = date(2026, 7, 1)
BEFORE_RISE = date(2026, 6, 30)
YEAR_START = date(2026, 1, 1)

# fmt: off
TARIFFS: tuple[BillingTariffUpdated, ...] = (
    BillingTariffUpdated(tariff_id="CRIMEA-1Z", region_code=None, zones=1, prices_kopecks={"T1": 528},
                         valid_from=YEAR_START, valid_to=BEFORE_RISE),
    BillingTariffUpdated(tariff_id="CRIMEA-1Z", region_code=None, zones=1, prices_kopecks={"T1": 552},
                         valid_from=RISE, valid_to=None),
    BillingTariffUpdated(tariff_id="CRIMEA-2Z", region_code=None, zones=2, prices_kopecks={"T1": 620, "T2": 310},
                         valid_from=YEAR_START, valid_to=BEFORE_RISE),
    BillingTariffUpdated(tariff_id="CRIMEA-2Z", region_code=None, zones=2, prices_kopecks={"T1": 649, "T2": 325},
                         valid_from=RISE, valid_to=None),
    BillingTariffUpdated(tariff_id="CRIMEA-3Z", region_code=None, zones=3,
                         prices_kopecks={"T1": 766, "T2": 325, "T3": 552}, valid_from=RISE, valid_to=None),
)
# fmt: on


def in_force(tariff_id: str, day: date) -> BillingTariffUpdated:
    """The version of a tariff valid on this day (the simulator's tariffs cover 2026 onwards)."""
    return next(
        t
        for t in TARIFFS
        if t.tariff_id == tariff_id and t.valid_from <= day and (t.valid_to is None or day <= t.valid_to)
    )


def tariff_events() -> list[CloudEvent]:
    return [
        envelope(tariff, f"{tariff.tariff_id}:{tariff.valid_from}", f"tariff/{tariff.tariff_id}", AS_OF)
        for tariff in TARIFFS
    ]
