"""The estimate of a reading's cost as a pure function (domain/estimates.py): zone by zone,
across a rollover, the tariff in force on the period's last day, and null where nothing sound
can be multiplied."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from lka_readings.domain.estimates import TariffVersion, estimate, in_force, last_day, zone_amount
from lka_readings.domain.model import Estimate, LastReading, Meter


def a_meter(last: dict[str, str] | None, digits: int = 6) -> Meter:
    reading = LastReading({z: Decimal(v) for z, v in last.items()}, date(2026, 10, 25)) if last else None
    return Meter(uuid.uuid4(), "yalta", "91000202", "M-1", len(last or {"T1": ""}), digits, reading)


def a_tariff(
    prices: dict[str, int],
    valid_from: date = date(2026, 1, 1),
    valid_to: date | None = None,
    region_code: str | None = None,
    tariff_id: str = "T-2Z",
) -> TariffVersion:
    return TariffVersion(tariff_id, region_code, len(prices), prices, valid_from, valid_to)


def values(**zones: str) -> dict[str, Decimal]:
    return {zone: Decimal(value) for zone, value in zones.items()}


def test_two_zones_are_priced_each_at_its_own_price_and_summed() -> None:
    meter = a_meter({"T1": "8123", "T2": "3456.5"})
    tariff = a_tariff({"T1": 649, "T2": 325})

    found = estimate(meter, values(T1="8250", T2="3501.5"), [tariff], "yalta", "2026-11")

    # 127 kWh × 6.49 + 45 kWh × 3.25 = 824.23 + 146.25
    assert found == Estimate(82423 + 14625, "2026-11", "T-2Z")


def test_a_rolled_over_register_counts_the_kwh_past_its_maximum() -> None:
    meter = a_meter({"T1": "99870"}, digits=5)

    found = estimate(meter, values(T1="120"), [a_tariff({"T1": 552})], "yalta", "2026-11")

    assert found is not None and found.amount_kopecks == 250 * 552


def test_each_zone_is_rounded_half_up_to_the_kopeck_before_summing() -> None:
    assert zone_amount(Decimal("0.5"), 1) == 1  # 0.5 kopeck → 1
    assert zone_amount(Decimal("10.25"), 649) == 6652  # 6652.25 → 6652
    meter = a_meter({"T1": "0", "T2": "0"})
    found = estimate(meter, values(T1="0.5", T2="0.5"), [a_tariff({"T1": 1, "T2": 1})], "yalta", "2026-11")
    assert found is not None and found.amount_kopecks == 2  # 1 + 1 by line; the sum rounded once would be 1


def test_a_tariff_changed_inside_the_period_prices_it_all_at_the_price_of_its_last_day() -> None:
    meter = a_meter({"T1": "100"})
    old = a_tariff({"T1": 500}, valid_from=date(2026, 1, 1), valid_to=date(2026, 11, 14))
    new = a_tariff({"T1": 600}, valid_from=date(2026, 11, 15))

    found = estimate(meter, values(T1="110"), [old, new], "yalta", "2026-11")

    assert found is not None and found.amount_kopecks == 10 * 600
    # A change after the period's last day does not reach it.
    assert estimate(meter, values(T1="110"), [old, new], "yalta", "2026-10") == Estimate(5000, "2026-10", "T-2Z")


def test_the_period_ends_on_its_months_last_day() -> None:
    assert [last_day(p) for p in ("2026-02", "2028-02", "2026-11", "2026-12")] == [
        date(2026, 2, 28),
        date(2028, 2, 29),
        date(2026, 11, 30),
        date(2026, 12, 31),
    ]


def test_a_regions_own_version_wins_over_one_for_every_region() -> None:
    everywhere = a_tariff({"T1": 500})
    own = a_tariff({"T1": 450}, region_code="yalta")
    elsewhere = a_tariff({"T1": 400}, region_code="kerch")

    assert in_force([everywhere, own, elsewhere], "yalta", date(2026, 11, 30)) == own
    assert in_force([everywhere, elsewhere], "yalta", date(2026, 11, 30)) == everywhere
    assert in_force([elsewhere], "yalta", date(2026, 11, 30)) is None


def test_no_tariff_no_version_in_force_or_other_zones_give_no_estimate() -> None:
    meter = a_meter({"T1": "8123", "T2": "3456.5"})
    reading = values(T1="8250", T2="3501.5")

    assert estimate(meter, reading, [], "yalta", "2026-11") is None
    later = a_tariff({"T1": 1, "T2": 1}, valid_from=date(2027, 1, 1))
    assert estimate(meter, reading, [later], "yalta", "2026-11") is None
    assert estimate(meter, reading, [a_tariff({"T1": 552})], "yalta", "2026-11") is None


def test_a_meter_without_an_accepted_reading_gives_no_estimate() -> None:
    assert estimate(a_meter(None), values(T1="10"), [a_tariff({"T1": 552})], "yalta", "2026-11") is None
