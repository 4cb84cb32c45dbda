"""Loading the demo data: every demo account, its meters and its last payment, as billing would
publish them. Idempotent: the event ids are fixed, so a second load changes nothing anywhere."""

from __future__ import annotations

import structlog

from lka_billing_simulator.bus import publisher
from lka_billing_simulator.demo import DEMO_ACCOUNTS
from lka_billing_simulator.events import demo_events

log = structlog.get_logger(__name__)


async def load_demo_data(amqp_url: str) -> int:
    """Publish the demo data; returns how many events were confirmed."""
    events = [event for account in DEMO_ACCOUNTS for event in demo_events(account)]
    async with publisher(amqp_url) as bus:
        for event in events:
            await bus.publish(event)
    log.info("demo_data_loaded", accounts=len(DEMO_ACCOUNTS), events=len(events))
    return len(events)
