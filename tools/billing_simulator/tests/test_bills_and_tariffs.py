"""Tariffs and bills as the simulator publishes them: one-, two- and three-zone tariffs for every
region with a price change; a plausible bill per demo account and month, the same one however
often it is issued; the month just ended issued when the simulator starts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lka_billing_simulator.bills import bill_events, bill_of, previous_period
from lka_billing_simulator.demo import DEMO_ACCOUNTS
from lka_billing_simulator.events import SUPPLIER_TIME_ZONE
from lka_billing_simulator.ledger import Ledger
from lka_billing_simulator.tariffs import TARIFFS, in_force, tariff_events
from lka_common.events.billing import BillingBillIssued, BillingTariffUpdated

ELKINA = next(a for a in DEMO_ACCOUNTS if a.number == "91000202")  # CRIMEA-2Z


def test_tariffs_cover_every_zone_count_for_every_region_and_every_demo_account() -> None:
    assert {t.zones for t in TARIFFS} == {1, 2, 3}
    assert all(t.region_code is None for t in TARIFFS)
    assert {a.tariff_id for a in DEMO_ACCOUNTS} <= {t.tariff_id for t in TARIFFS}
    for event in tariff_events():
        BillingTariffUpdated.model_validate(event.data)
    assert in_force("CRIMEA-2Z", date(2026, 6, 30)).prices_kopecks == {"T1": 620, "T2": 310}
    assert in_force("CRIMEA-2Z", date(2026, 7, 1)).prices_kopecks == {"T1": 649, "T2": 325}


def test_a_bill_charges_each_zone_at_the_price_of_the_months_last_day(tmp_path: Path) -> None:
    november = bill_of(ELKINA, "2026-11", Ledger(tmp_path / "ledger.json"))

    assert [(line.zone, line.price_kopecks, line.amount_kopecks) for line in november.lines] == [
        ("T1", 649, 82423),  # 127 kWh
        ("T2", 325, 14788),  # 45.5 kWh: 14787.5 rounded half up
    ]
    assert november.total_due_kopecks == ELKINA.debt_kopecks + 82423 + 14788 + ELKINA.penalty_kopecks
    assert (november.issued_at, november.due_date) == (
        datetime(2026, 12, 1, 6, tzinfo=SUPPLIER_TIME_ZONE).astimezone(UTC),
        date(2026, 12, 10),
    )
    june = bill_of(ELKINA, "2026-06", Ledger(tmp_path / "ledger.json"))
    assert [line.price_kopecks for line in june.lines] == [620, 310]


def test_portal_payments_lower_the_opening_balance_or_count_as_the_months_payments(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.json")
    moment = datetime(2026, 11, 20, 12, tzinfo=UTC)
    ledger.register("p-1", ELKINA.region_code, ELKINA.number, 50000, moment, moment)

    november = bill_of(ELKINA, "2026-11", ledger)
    december = bill_of(ELKINA, "2026-12", ledger)

    assert (november.opening_balance_kopecks, november.payments_kopecks) == (ELKINA.debt_kopecks, 50000)
    assert (december.opening_balance_kopecks, december.payments_kopecks) == (ELKINA.debt_kopecks - 50000, 0)


def test_the_same_month_is_the_same_bill_and_the_same_event(tmp_path: Path) -> None:
    first = bill_events("2026-11", Ledger(tmp_path / "ledger.json"))
    again = bill_events("2026-11", Ledger(tmp_path / "ledger.json"))

    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.data["bill_id"] for e in first}) == len(DEMO_ACCOUNTS)
    assert previous_period(date(2027, 1, 5)) == "2026-12"


async def test_the_running_simulator_issues_the_month_just_ended(simulator: Any, billing: Any) -> None:
    await simulator(bills_every_month=True)

    heard = await billing.hear(len(DEMO_ACCOUNTS))

    expected = previous_period(datetime.now(SUPPLIER_TIME_ZONE).date())
    bills = [BillingBillIssued.model_validate(h.event["data"]) for h in heard]
    assert {b.period for b in bills} == {expected}
    assert {b.account_number for b in bills} == {a.number for a in DEMO_ACCOUNTS}
    assert all(h.event["source"] == "/billing" and h.persistent for h in heard)
