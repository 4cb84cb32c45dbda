"""The reading rules, the billing period and consumption as pure functions (no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lka_readings.domain import messages, rules
from lka_readings.domain.consumption import MonthlyConsumption, Point, monthly
from lka_readings.domain.errors import InvalidReading
from lka_readings.domain.model import LastReading, Meter
from lka_readings.domain.periods import billing_period, period_of_day

CEILING = Decimal(10000)


def a_meter(zones: int = 1, digits: int = 6, last: dict[str, str] | None = None) -> Meter:
    reading = LastReading({z: Decimal(v) for z, v in last.items()}, date(2026, 10, 20)) if last else None
    return Meter(uuid.uuid4(), "yalta", "1", "S-1", zones, digits, reading)


def refusal(meter: Meter, values: dict[str, str], reveal: bool = True) -> InvalidReading:
    with pytest.raises(InvalidReading) as caught:
        rules.check(meter, {z: Decimal(v) for z, v in values.items()}, CEILING, reveal=reveal)
    return caught.value


def test_a_reading_above_the_last_one_within_the_ceiling_passes() -> None:
    rules.check(
        a_meter(2, last={"T1": "8123", "T2": "3456.5"}), {"T1": Decimal(8300), "T2": Decimal("3500.25")}, CEILING
    )


@pytest.mark.parametrize("values", [{"T1": "1"}, {"T1": "1", "T2": "2", "T3": "3"}, {"T1": "1", "T3": "2"}])
def test_values_for_other_zones_than_the_meters_are_a_zones_mismatch(values: dict[str, str]) -> None:
    found = refusal(a_meter(2), values)
    assert found.code == "zones_mismatch"
    assert found.detail == "Для этого счетчика укажите показания по зонам: T1 день, T2 ночь"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("-1", "Показание T1 не может быть отрицательным"),
        ("12.345", "Показание T1: не больше двух знаков после запятой"),
        ("1000000", "Показание T1 длиннее, чем может показать счетчик (6 цифр до запятой)"),
        ("1E+30", "Показание T1 длиннее, чем может показать счетчик (6 цифр до запятой)"),
    ],
)
def test_a_value_the_meter_cannot_show_is_out_of_range(value: str, text: str) -> None:
    found = refusal(a_meter(), {"T1": value})
    assert (found.code, found.detail) == ("reading_out_of_range", text)
    assert found.errors == [{"field": "values.T1", "message": text}]


def test_a_reading_below_the_last_one_is_rejected_with_the_last_value_written_for_a_person() -> None:
    found = refusal(a_meter(last={"T1": "12345"}), {"T1": "12000"})
    assert (found.code, found.detail) == ("reading_decreased", "Показание T1 меньше предыдущего (12 345)")


def test_the_public_form_tells_neither_the_zone_nor_the_direction_nor_the_last_value() -> None:
    meter = a_meter(2, last={"T1": "12345", "T2": "500"})
    found = [
        refusal(meter, values, reveal=False)
        for values in (
            {"T1": "12000", "T2": "600"},  # T1 below the last one
            {"T1": "30000", "T2": "600"},  # T1 beyond the month's ceiling
            {"T1": "12400", "T2": "400"},  # T2 below
            {"T1": "12000", "T2": "20000"},  # both, both ways
        )
    ]
    assert {(f.code, f.detail, repr(f.errors)) for f in found} == {
        ("reading_not_accepted", messages.NOT_ACCEPTED, repr([{"field": "values", "message": messages.NOT_ACCEPTED}]))
    }
    assert "12" not in messages.NOT_ACCEPTED


def test_on_the_public_form_a_zone_out_of_range_hides_the_comparisons_of_the_others() -> None:
    meter = a_meter(2, last={"T1": "12345", "T2": "500"})
    below, above = (
        refusal(meter, {"T1": "12000", "T2": "-1"}, reveal=False),
        refusal(meter, {"T1": "12400", "T2": "-1"}, reveal=False),
    )
    assert (below.code, below.detail, below.errors) == (above.code, above.detail, above.errors)
    assert below.errors == [{"field": "values.T2", "message": "Показание T2 не может быть отрицательным"}]


def test_a_register_passing_its_maximum_is_a_rollover_not_a_decrease() -> None:
    meter = a_meter(digits=5, last={"T1": "99870"})
    rules.check(meter, {"T1": Decimal(120)}, CEILING)  # 99870 -> 99999 -> 00120: 250 kWh
    assert rules.consumption(Decimal(120), Decimal(99870), 5) == Decimal(250)


def test_consumption_above_the_monthly_ceiling_is_implausible() -> None:
    found = refusal(a_meter(last={"T1": "100"}), {"T1": "10100.01"})
    assert found.code == "reading_implausible"
    assert found.detail.startswith("Расход по T1 (10 000,01 кВт·ч) больше возможного за месяц (10 000 кВт·ч)")


def test_every_zone_at_fault_is_listed_and_the_gravest_code_wins() -> None:
    found = refusal(a_meter(2, last={"T1": "5000", "T2": "100"}), {"T1": "4000", "T2": "-1"})
    assert found.code == "reading_out_of_range"
    assert [error["field"] for error in found.errors] == ["values.T2", "values.T1"]


@pytest.mark.parametrize(
    ("moment", "period"),
    [
        (datetime(2026, 11, 25, 20, 59, tzinfo=UTC), "2026-11"),  # 23:59 on the 25th in Simferopol
        (datetime(2026, 11, 25, 21, 0, tzinfo=UTC), "2026-12"),  # 00:00 on the 26th there
        (datetime(2026, 11, 1, 0, 0, tzinfo=UTC), "2026-11"),
        (datetime(2026, 12, 28, 10, 0, tzinfo=UTC), "2027-01"),
    ],
)
def test_readings_after_the_closing_day_in_crimea_count_for_the_next_month(moment: datetime, period: str) -> None:
    assert billing_period(moment, 25) == period


def test_the_message_names_the_month_the_reading_counts_for() -> None:
    assert messages.submitted("2026-12").startswith("Показания переданы и будут учтены за декабрь 2026 года")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def billed(meter: Meter, day: date, **values: str) -> Point:
    """A reading billing accepted, as its meter event named it (the period by the closing day, 25)."""
    return Point(meter.id, period_of_day(day, 25), day, at(day, 12), {z: Decimal(v) for z, v in values.items()})


def ours(meter: Meter, day: date, hour: int = 9, **values: str) -> Point:
    values_ = {z: Decimal(v) for z, v in values.items()}
    return Point(meter.id, period_of_day(day, 25), day, at(day, hour), values_, ours=True)


def shown(found: list[MonthlyConsumption]) -> list[tuple[str, dict[str, Decimal], bool]]:
    return [(item.period, item.zones, item.pending) for item in found]


def test_monthly_consumption_follows_consecutive_readings_across_a_rollover() -> None:
    meter = a_meter(digits=5, last={"T1": "99700"})
    accepted = [
        ours(meter, date(2026, 12, 20), T1="200"),
        ours(meter, date(2026, 11, 20), T1="99900"),
        billed(meter, date(2026, 10, 20), T1="99700"),
    ]
    assert shown(monthly(meter, accepted)) == [
        ("2026-12", {"T1": Decimal(300)}, False),
        ("2026-11", {"T1": Decimal(200)}, False),
    ]


def test_billing_sending_our_accepted_reading_back_keeps_the_month() -> None:
    # Issue 18 item 4: once billing accepted the reading it came back as the meter's last one,
    # and the month vanished from the chart.
    meter = a_meter(zones=2, last={"T1": "8123", "T2": "3456.5"})
    october = billed(meter, date(2026, 10, 24), T1="8123", T2="3456.5")
    december = ours(meter, date(2026, 12, 6), T1="8260", T2="3499")
    echo = billed(meter, date(2026, 12, 6), T1="8260", T2="3499")
    expected = [("2026-12", {"T1": Decimal(137), "T2": Decimal("42.5")}, False)]

    assert shown(monthly(meter, [october], december)) == [(*expected[0][:2], True)]  # awaiting the verdict
    assert shown(monthly(meter, [october, december])) == expected  # accepted
    assert shown(monthly(meter, [october, december, echo])) == expected  # and sent back
    assert shown(monthly(meter, [october, echo])) == expected  # billing's word alone


def test_the_latest_accepted_reading_of_a_month_stands_for_it_and_a_gap_is_bridged() -> None:
    meter = a_meter(last={"T1": "1000"})
    accepted = [
        billed(meter, date(2026, 9, 20), T1="1000"),
        ours(meter, date(2026, 10, 3), T1="1100"),
        billed(meter, date(2026, 10, 24), T1="1150"),  # billing's own later reading that month
        ours(meter, date(2026, 12, 5), T1="1400"),  # nothing in November
    ]
    assert shown(monthly(meter, accepted)) == [
        ("2026-12", {"T1": Decimal(250)}, False),
        ("2026-10", {"T1": Decimal(150)}, False),
    ]


def test_only_the_newest_undecided_reading_counts_and_only_after_everything_accepted() -> None:
    meter = a_meter(last={"T1": "1000"})
    october = billed(meter, date(2026, 10, 20), T1="1000")
    december = ours(meter, date(2026, 12, 5), hour=9, T1="1200")

    newer = ours(meter, date(2026, 12, 5), hour=10, T1="1210")
    assert shown(monthly(meter, [october, december], newer)) == [("2026-12", {"T1": Decimal(210)}, True)]
    older = ours(meter, date(2026, 12, 5), hour=8, T1="1190")
    assert shown(monthly(meter, [october, december], older)) == [("2026-12", {"T1": Decimal(200)}, False)]
    before_billings = ours(meter, date(2026, 10, 19), T1="990")
    assert shown(monthly(meter, [october], before_billings)) == []


def test_a_fall_no_rollover_explains_shows_nothing_rather_than_a_registers_worth() -> None:
    meter = a_meter(digits=5, last={"T1": "99700"})
    november = ours(meter, date(2026, 11, 20), T1="99900")
    rolled = ours(meter, date(2026, 12, 20), T1="200")
    corrected = billed(meter, date(2026, 12, 20), T1="99800")  # billing's own reading, below ours
    assert shown(monthly(meter, [november, rolled], ceiling=CEILING))[0] == ("2026-12", {"T1": Decimal(300)}, False)
    assert [item.period for item in monthly(meter, [november, corrected], ceiling=Decimal(1000))] == []


def test_a_month_with_nothing_accepted_before_it_shows_nothing() -> None:
    meter = a_meter()
    assert monthly(meter, [], ours(meter, date(2026, 12, 5), T1="100")) == []
    assert monthly(meter, [ours(meter, date(2026, 12, 5), T1="100")]) == []


def test_billings_readings_count_for_the_month_of_their_date_by_the_closing_day() -> None:
    assert (period_of_day(date(2026, 10, 25), 25), period_of_day(date(2026, 10, 26), 25)) == ("2026-10", "2026-11")
    assert period_of_day(date(2026, 12, 31), 25) == "2027-01"


def test_the_digit_count_is_said_with_its_russian_plural() -> None:
    said = {digits: messages.too_many_digits("T1", digits) for digits in (1, 4, 5, 6, 21)}
    assert [text.split("(")[1] for text in said.values()] == [
        "1 цифра до запятой)",
        "4 цифры до запятой)",
        "5 цифр до запятой)",
        "6 цифр до запятой)",
        "21 цифра до запятой)",
    ]
