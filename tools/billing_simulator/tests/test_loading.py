"""Loading the demo data (tariffs included) as billing would publish it (docs/contract.md §3):
CloudEvents from `/billing` on `lka.events`, persistent, confirmed, valid for the contract's models; and idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from lka_billing_simulator.demo import DEMO_ACCOUNTS
from lka_billing_simulator.load import load_demo_data
from lka_billing_simulator.tariffs import TARIFFS
from lka_common.events.catalog import INBOUND


def expected_events() -> Counter[str]:
    return Counter(
        {
            "billing.account.updated.v1": len(DEMO_ACCOUNTS),
            "billing.meter.updated.v1": sum(len(account.meters) for account in DEMO_ACCOUNTS),
            "billing.payment.registered.v1": sum(a.last_payment_kopecks is not None for a in DEMO_ACCOUNTS),
            "billing.tariff.updated.v1": len(TARIFFS),
        }
    )


async def test_loading_publishes_every_demo_account_meter_and_last_payment_as_billing_would(
    billing: Any, sim_amqp_url: str
) -> None:
    published = await load_demo_data(sim_amqp_url)

    heard = await billing.hear(published)
    assert Counter(h.event["type"] for h in heard) == expected_events()
    for h in heard:
        event = h.event
        assert (event["specversion"], event["source"], h.message_id) == ("1.0", "/billing", event["id"])
        assert (h.content_type, h.persistent) == ("application/cloudevents+json", True)
        INBOUND[event["type"]].model_validate(event["data"])
    accounts = {h.event["data"]["number"]: h.event["data"] for h in heard if h.event["type"].startswith("billing.acc")}
    yelkina = next(a for a in DEMO_ACCOUNTS if a.owner_surname == "Ёлкина")
    assert accounts[yelkina.number]["owner_surname"] == "Ёлкина"
    assert accounts[yelkina.number]["debt_kopecks"] == yelkina.debt_kopecks
    assert accounts[yelkina.number]["tariff_id"] == yelkina.tariff_id


async def test_loading_again_publishes_the_same_events_so_consumers_change_nothing(
    billing: Any, sim_amqp_url: str
) -> None:
    first = await billing.hear(await load_demo_data(sim_amqp_url))

    second = await billing.hear(await load_demo_data(sim_amqp_url))

    assert sorted(h.event["id"] for h in first) == sorted(h.event["id"] for h in second)
    assert sorted(str(h.event["data"]) for h in first) == sorted(str(h.event["data"]) for h in second)


async def test_demo_meters_fall_due_for_verification_a_month_after_the_load_on_its_day_and_years_ahead(
    billing: Any, sim_amqp_url: str
) -> None:
    today = date(2027, 2, 14)

    heard = await billing.hear(await load_demo_data(sim_amqp_url, today))

    meters = [h.event["data"] for h in heard if h.event["type"] == "billing.meter.updated.v1"]
    due = {m["serial_number"]: date.fromisoformat(m["verification_due"]) for m in meters}
    assert due.pop("CE102-0101") == today + timedelta(days=30)  # the reminder "a month before"
    assert due.pop("M230-0202") == today  # and the one "on the day"
    assert due and all(day >= today + timedelta(days=365) for day in due.values())

    # Another day's load says the dates anew: new events, which consumers take.
    later = await billing.hear(await load_demo_data(sim_amqp_url, today + timedelta(days=1)))
    ids = {h.event["id"] for h in heard}
    assert {h.event["id"] for h in later if h.event["type"] == "billing.meter.updated.v1"}.isdisjoint(ids)
