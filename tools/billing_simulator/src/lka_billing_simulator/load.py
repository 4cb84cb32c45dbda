"""Loading the demo data: the tariffs, every demo account, its meters and its last payment, as
billing would publish them. Idempotent within a day: the event ids are fixed by what they say and
the meters' by the day too (their verification dates count from it), so a second load that day
changes nothing anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import structlog

from lka_billing_simulator.bills import bill_events
from lka_billing_simulator.bus import publisher
from lka_billing_simulator.demo import DEMO_ACCOUNTS
from lka_billing_simulator.events import SUPPLIER_TIME_ZONE, demo_events
from lka_billing_simulator.ledger import Ledger
from lka_billing_simulator.tariffs import tariff_events

log = structlog.get_logger(__name__)


async def load_demo_data(amqp_url: str, today: date | None = None) -> int:
    """Publish the demo data as billing says it on `today` (the supplier's today by default);
    returns how many events were confirmed."""
    today = today or datetime.now(SUPPLIER_TIME_ZONE).date()
    events = tariff_events() + [event for account in DEMO_ACCOUNTS for event in demo_events(account, today)]
    async with publisher(amqp_url) as bus:
        for event in events:
            await bus.publish(event)
    log.info("demo_data_loaded", accounts=len(DEMO_ACCOUNTS), events=len(events))
    return len(events)


async def issue_bills(amqp_url: str, period: str, ledger: Ledger, numbers: Sequence[str] = ()) -> int:
    """Publish the demo accounts' bills for a month now (all of them, or those numbered);
    returns how many. The same month again publishes the same events: a no-op downstream."""
    accounts = [a for a in DEMO_ACCOUNTS if not numbers or a.number in numbers]
    events = bill_events(period, ledger, accounts)
    async with publisher(amqp_url) as bus:
        for event in events:
            await bus.publish(event)
    log.info("bills_issued", period=period, bills=len(events))
    return len(events)
