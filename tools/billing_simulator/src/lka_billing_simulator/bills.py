"""Bills (`billing.bill.issued.v1`) for the demo accounts: each month's, and any month's on demand.

A plausible bill, not an accounting: each month the account used a fixed amount per tariff zone
(`MONTHLY_KWH`), priced at its tariff's version in force on the month's last day; the opening
balance is the demo debt less the portal payments registered before the month, the month's
payments those registered in it (the ledger), the penalty the demo one. Issued on the 1st of the
next month at 06:00 in Crimea, due on its 10th.

The bill id (`SIM-<number>-<YYYY-MM>`) and the event id follow from the account and the month, so
issuing a month again is a no-op for every consumer; a month's figures are those of its first
issue wherever the event was heard.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import structlog

from lka_billing_simulator.demo import DEMO_ACCOUNTS, DemoAccount
from lka_billing_simulator.events import SUPPLIER_TIME_ZONE, envelope, subject_of
from lka_billing_simulator.ledger import Ledger
from lka_billing_simulator.tariffs import in_force
from lka_common.events.billing import BillingBillIssued, BillLine
from lka_common.events.envelope import CloudEvent
from lka_common.events.fields import ZoneName

log = structlog.get_logger(__name__)

MONTHLY_KWH: dict[int, dict[ZoneName, Decimal]] = {
    1: {"T1": Decimal("180")},
    2: {"T1": Decimal("127"), "T2": Decimal("45.5")},
    3: {"T1": Decimal("60"), "T2": Decimal("90"), "T3": Decimal("110")},
}
TITLES: dict[int, dict[ZoneName, str]] = {
    1: {"T1": "Электроэнергия"},
    2: {"T1": "Электроэнергия, день", "T2": "Электроэнергия, ночь"},
    3: {"T1": "Электроэнергия, пик", "T2": "Электроэнергия, ночь", "T3": "Электроэнергия, полупик"},
}
DUE_DAY = 10


def month_bounds(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def previous_period(today: date) -> str:
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return f"{year:04d}-{month:02d}"


def _next_month_day(period: str, day: int) -> date:
    _, last = month_bounds(period)
    following = date.fromordinal(last.toordinal() + 1)
    return following.replace(day=day)


def bill_of(account: DemoAccount, period: str, ledger: Ledger) -> BillingBillIssued:
    first, last = month_bounds(period)
    tariff = in_force(account.tariff_id, last)
    lines = [
        BillLine(
            title=TITLES[tariff.zones][zone],
            zone=zone,
            quantity_kwh=kwh,
            price_kopecks=tariff.prices_kopecks[zone],
            amount_kopecks=int((kwh * tariff.prices_kopecks[zone]).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        )
        for zone, kwh in MONTHLY_KWH[tariff.zones].items()
    ]
    paid_before = paid_in = 0
    for entry in ledger.of_account(account.region_code, account.number):
        paid_on = datetime.fromisoformat(entry.paid_at).astimezone(SUPPLIER_TIME_ZONE).date()
        if paid_on < first:
            paid_before += entry.amount_kopecks
        elif paid_on <= last:
            paid_in += entry.amount_kopecks
    opening = account.debt_kopecks - paid_before
    charged = sum(line.amount_kopecks for line in lines)
    issued_on = _next_month_day(period, 1)
    return BillingBillIssued(
        bill_id=f"SIM-{account.number}-{period}",
        region_code=account.region_code,
        account_number=account.number,
        period=period,
        issued_at=datetime.combine(issued_on, time(6), SUPPLIER_TIME_ZONE).astimezone(UTC),
        opening_balance_kopecks=opening,
        lines=lines,
        payments_kopecks=paid_in,
        penalty_kopecks=account.penalty_kopecks,
        total_due_kopecks=opening + charged - paid_in + account.penalty_kopecks,
        due_date=_next_month_day(period, DUE_DAY),
    )


def bill_events(period: str, ledger: Ledger, accounts: Sequence[DemoAccount] = DEMO_ACCOUNTS) -> list[CloudEvent]:
    events = []
    for account in accounts:
        bill = bill_of(account, period, ledger)
        events.append(envelope(bill, bill.bill_id, subject_of(account), bill.issued_at))
    return events


async def every_month(
    publish: Callable[[CloudEvent], Awaitable[None]], ledger: Ledger, stop: asyncio.Event, interval_s: float
) -> None:
    """Issue the bills of the month just ended, at start and whenever a new month begins."""
    issued: str | None = None
    while not stop.is_set():
        period = previous_period(datetime.now(SUPPLIER_TIME_ZONE).date())
        if period != issued:
            try:
                for event in bill_events(period, ledger):
                    await publish(event)
                issued = period
                log.info("billing_simulator_bills_issued", period=period, bills=len(DEMO_ACCOUNTS))
            except Exception as exc:  # noqa: BLE001 - the broker may be away: try again next time
                log.warning("billing_simulator_bills_failed", period=period, error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s if issued == period else 5.0)
