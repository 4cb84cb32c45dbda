"""The demo data: personal accounts and their meters as billing knows them, as plain data.

The README lists them (a test keeps it equal); `make run` loads them through `load.py`. To
change them, change this module *and* `DEMO_VERSION` and `AS_OF`: the consumers take a state
only when its event id is new and its `as_of` newer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal, cast

DEMO_VERSION = 1
# When billing "computed" the demo balances: the newest `as_of` wins, so a payment answered
# later (as_of = then) is never rolled back by loading the demo data again.
AS_OF = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoMeter:
    serial_number: str
    zones: Literal[1, 2, 3]
    digits: int
    last_values: dict[str, Decimal]
    last_date: date
    # Its verification (поверка) falls due this many days after the day billing speaks of the
    # meter (events.py): the verification-due reminders show on any day the demo is run.
    verification_in_days: int | None = None


@dataclass(frozen=True)
class DemoAccount:
    region_code: str
    number: str
    owner_surname: str
    owner_initials: str
    address: str
    debt_kopecks: int
    penalty_kopecks: int
    last_payment_kopecks: int | None
    last_payment_date: date | None
    last_payment_channel: str | None
    meters: tuple[DemoMeter, ...]
    tariff_id: str  # one of TARIFFS (tariffs.py)


def _meter(serial: str, digits: int, last: date, verification_in_days: int, **values: str) -> DemoMeter:
    """A meter with one value per tariff zone (T1; T1, T2; T1, T2, T3) as of its last reading."""
    zones = cast(Literal[1, 2, 3], len(values))
    readings = {zone: Decimal(v) for zone, v in values.items()}
    return DemoMeter(serial, zones, digits, readings, last, verification_in_days)


MONTH_BEFORE = 30  # the verification-due reminder's "a month before" (services/readings)
ON_THE_DAY = 0
YEAR = 365


# fmt: off
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "simferopol", "91000101", "Иванов", "И. И.", "г. Симферополь, ул. Киевская, д. 12, кв. 5",
        debt_kopecks=152340, penalty_kopecks=0,
        last_payment_kopecks=120000, last_payment_date=date(2026, 10, 15), last_payment_channel="РНКБ",
        meters=(_meter("CE102-0101", 6, date(2026, 10, 25), MONTH_BEFORE, T1="12456"),), tariff_id="CRIMEA-1Z",
    ),
    DemoAccount(
        "yalta", "91000202", "Ёлкина", "А. П.", "г. Ялта, ул. Набережная им. Ленина, д. 3, кв. 14",
        debt_kopecks=84515, penalty_kopecks=1230,
        last_payment_kopecks=95000, last_payment_date=date(2026, 10, 20), last_payment_channel="Почта России",
        meters=(_meter("M230-0202", 6, date(2026, 10, 24), ON_THE_DAY, T1="8123", T2="3456.5"),),
        tariff_id="CRIMEA-2Z",
    ),
    DemoAccount(
        "kerch", "91000303", "Петров", "С. Н.", "г. Керчь, ул. Ленина, д. 40, кв. 7",
        debt_kopecks=-25000, penalty_kopecks=0,
        last_payment_kopecks=300000, last_payment_date=date(2026, 10, 5), last_payment_channel="РНКБ",
        meters=(_meter("CE303-0303", 7, date(2026, 10, 25), 3 * YEAR, T1="23456.7", T2="9876.5", T3="4321"),),
        tariff_id="CRIMEA-3Z",
    ),
    DemoAccount(
        "bakhchisaraysky_district", "91000404", "Фёдорова", "О. В.",
        "Бахчисарайский р-н, с. Научное, ул. Садовая, д. 8",
        debt_kopecks=0, penalty_kopecks=0,
        last_payment_kopecks=78050, last_payment_date=date(2026, 10, 28), last_payment_channel="Сбербанк",
        meters=(
            _meter("CE102-0404", 5, date(2026, 10, 25), 5 * YEAR, T1="99870"),
            _meter("M230-0405", 6, date(2026, 10, 25), 2 * YEAR, T1="3410", T2="1205"),
        ),
        # One tariff per account: the two-zone meter M230-0405 has no estimate (its zones are not the tariff's).
        tariff_id="CRIMEA-1Z",
    ),
    DemoAccount(
        "feodosiya", "91000505", "Ким", "В. Ч.", "г. Феодосия, ул. Галерейная, д. 2, кв. 31",
        debt_kopecks=512000, penalty_kopecks=15487,
        last_payment_kopecks=None, last_payment_date=None, last_payment_channel=None,
        meters=(_meter("CE303-0505", 6, date(2026, 9, 25), 8 * YEAR, T1="45012", T2="20100", T3="15003"),),
        tariff_id="CRIMEA-3Z",
    ),
)
# fmt: on


def find(region_code: str, number: str) -> DemoAccount | None:
    """The demo account with this number, or None: the simulator plays billing for these only."""
    return _BY_NUMBER.get((region_code, number))


_BY_NUMBER = {(account.region_code, account.number): account for account in DEMO_ACCOUNTS}
