"""Billing's events taken as a careful neighbour takes them (docs/messaging.md): a duplicate changes
nothing, a late older state never rolls a balance back, a malformed event is dead-lettered and
the ones behind it flow on."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from prometheus_client import REGISTRY

from lka_common.testing.amqp import drain

QUEUE = "accounts.balances"
AS_OF = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def duplicates_seen() -> float:
    return REGISTRY.get_sample_value("lka_messages_consumed_total", {"queue": QUEUE, "outcome": "duplicate"}) or 0.0


async def registry_row(db: asyncpg.Pool, number: str) -> asyncpg.Record | None:
    return await db.fetchrow("SELECT * FROM billing_accounts WHERE number = $1", number)


async def linked_view(api: httpx.AsyncClient, person: Any, number: str, region_code: str = "simferopol") -> Any:
    """Link the account to a new subscriber; returns a callable reading their view of it."""
    me = person()
    body = {"region_code": region_code, "number": number, "surname_prefix": "Ива"}
    assert (await api.post("/accounts", json=body, headers=me.headers)).status_code == 201

    async def view() -> dict[str, Any]:
        (account,) = (await api.get("/accounts", headers=me.headers)).json()
        return dict(account)

    return view


async def test_an_account_billing_publishes_enters_the_registry(
    consumer: Any, publish: Any, billing_event: Any, db: asyncpg.Pool, eventually: Any
) -> None:
    await consumer()
    data = billing_event(region_code="yevpatoriya", owner_surname="Пономарёва", debt_kopecks=4250)

    await publish(data)

    row = await eventually(lambda: registry_row(db, data.number))
    assert (row["region_code"], row["owner_surname"], row["debt_kopecks"]) == ("yevpatoriya", "Пономарёва", 4250)
    assert (row["last_payment_kopecks"], row["as_of"]) == (98765, AS_OF)


async def test_a_duplicate_billing_event_changes_nothing(
    consumer: Any, publish: Any, billing_event: Any, db: asyncpg.Pool, eventually: Any
) -> None:
    await consumer()
    data = billing_event()
    event_id = await publish(data)
    before = await eventually(lambda: registry_row(db, data.number))
    seen = duplicates_seen()

    await publish(data, event_id=event_id)
    await eventually(lambda: _true(duplicates_seen() > seen))
    # Another event with the same as_of (billing recomputed and resent) is not newer either.
    resent_id = await publish(billing_event(number=data.number, debt_kopecks=1, as_of=data.as_of))
    await eventually(lambda: handled(db, resent_id))

    assert await registry_row(db, data.number) == before


async def _true(value: bool) -> bool:
    return value


async def handled(db: asyncpg.Pool, event_id: str) -> bool:
    """The consumer of the balances queue took this event (its inbox row is committed)."""
    found = await db.fetchval("SELECT 1 FROM inbox WHERE message_id = $1 AND consumer = $2", event_id, QUEUE)
    return found is not None


async def test_an_older_state_arriving_later_does_not_roll_the_balance_back(
    api: httpx.AsyncClient,
    person: Any,
    consumer: Any,
    publish: Any,
    billing_event: Any,
    db: asyncpg.Pool,
    eventually: Any,
) -> None:
    await consumer()
    old = billing_event(debt_kopecks=300000, as_of=AS_OF)
    await publish(old)
    await eventually(lambda: registry_row(db, old.number))
    view = await linked_view(api, person, old.number)
    newer = billing_event(number=old.number, debt_kopecks=0, penalty_kopecks=0, as_of=AS_OF + timedelta(days=2))
    await publish(newer)
    await eventually(lambda: _debt_is(view, "0.00"))

    late = billing_event(number=old.number, debt_kopecks=150000, as_of=AS_OF + timedelta(days=1))
    await publish(late)
    newest = billing_event(number=old.number, debt_kopecks=777, as_of=AS_OF + timedelta(days=3))
    await publish(newest)

    await eventually(lambda: _debt_is(view, "7.77"))
    assert (await view())["balance_as_of"].startswith("2026-11-04T03:00:00")


async def _debt_is(view: Any, debt: str) -> bool:
    return bool((await view())["debt"] == debt)


async def test_a_malformed_billing_event_is_dead_lettered_and_the_next_one_is_processed(
    consumer: Any, publish: Any, billing_event: Any, amqp_url: str, db: asyncpg.Pool, eventually: Any
) -> None:
    await consumer()
    broken = billing_event().model_dump(mode="json")
    broken["debt_kopecks"] = 12.5  # money is never a float
    envelope = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/billing",
        "type": "billing.account.updated.v1",
    }
    bad_id = await publish(
        body=json.dumps({**envelope, "data": broken}).encode(), routing_key="billing.account.updated.v1"
    )
    unparseable_id = await publish(body=b"{not json", routing_key="billing.account.updated.v1")
    unknown_region = billing_event(region_code="atlantis")
    unknown_region_id = await publish(unknown_region)
    good = billing_event()

    await publish(good)

    await eventually(lambda: registry_row(db, good.number))
    assert await registry_row(db, unknown_region.number) is None

    async def dead_lettered() -> set[str | None]:
        found = {message.message_id for message in await drain(amqp_url, f"{QUEUE}.dlq")}
        dead.update(found)
        return {bad_id, unparseable_id, unknown_region_id} <= dead

    dead: set[str | None] = set()
    await eventually(dead_lettered)
