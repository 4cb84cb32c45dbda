"""Profiles merged in identity (the manual's «Объединение учетных записей»): the source
profile's accounts and requests move to the target, once, however often the event comes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from lka_common.events.identity import ProfilesMerged


async def link(api: httpx.AsyncClient, who: Any, number: str) -> str:
    body = {"region_code": "simferopol", "number": number, "surname_prefix": "Ива"}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["account"]["id"]
    return account_id


def merged(target: Any, source: Any) -> ProfilesMerged:
    return ProfilesMerged(target_user_id=target.user_id, source_user_id=source.user_id, merged_at=datetime.now(UTC))


async def test_after_merging_b_into_a_a_lists_both_profiles_accounts(
    api: httpx.AsyncClient,
    person: Any,
    billing: Any,
    number: Any,
    consumer: Any,
    publish: Any,
    outbox: Any,
    eventually: Any,
) -> None:
    await consumer()
    a, b = person(), person()
    first, second, shared = await billing(), await billing(), await billing()
    a_own, a_shared = await link(api, a, first.number), await link(api, a, shared.number)
    b_own, _ = await link(api, b, second.number), await link(api, b, shared.number)
    unknown = number()
    request = (
        await api.post(
            "/accounts",
            json={"region_code": "simferopol", "number": unknown, "surname_prefix": "Ива"},
            headers=b.headers,
        )
    ).json()["request"]

    await publish(merged(a, b), source="/lka/identity")

    async def a_has_three() -> list[str] | None:
        ids = [item["id"] for item in (await api.get("/accounts", headers=a.headers)).json()]
        return ids if len(ids) == 3 else None

    assert set(await eventually(a_has_three)) == {a_own, a_shared, b_own}
    assert (await api.get("/accounts", headers=b.headers)).json() == []
    assert [r["id"] for r in (await api.get("/link-requests", headers=a.headers)).json()] == [request["id"]]
    assert (await api.get("/link-requests", headers=b.headers)).json() == []
    (gained,) = await outbox("accounts.account.linked.v1", user_id=a.user_id, linked_via="merge")
    assert gained == {
        "user_id": str(a.user_id),
        "account_id": b_own,
        "region_code": "simferopol",
        "account_number": second.number,
        "linked_via": "merge",
    }
    lost = await outbox("accounts.account.unlinked.v1", user_id=b.user_id)
    assert {event["account_id"] for event in lost} == {b_own, a_shared}


async def test_a_merge_delivered_again_moves_nothing_twice(
    api: httpx.AsyncClient,
    person: Any,
    billing: Any,
    consumer: Any,
    publish: Any,
    outbox: Any,
    db: asyncpg.Pool,
    eventually: Any,
) -> None:
    await consumer()
    a, b = person(), person()
    await link(api, b, (await billing()).number)
    event = merged(a, b)
    event_id = await publish(event, source="/lka/identity")
    await eventually(lambda: outbox("accounts.account.linked.v1", user_id=a.user_id, linked_via="merge"))

    await publish(event, event_id=event_id, source="/lka/identity")
    again_id = await publish(event, source="/lka/identity")  # identity re-raised it under a new id

    async def handled() -> bool:
        found = await db.fetchval("SELECT 1 FROM inbox WHERE message_id = $1", again_id)
        return found is not None

    await eventually(handled)
    assert len(await outbox("accounts.account.linked.v1", user_id=a.user_id, linked_via="merge")) == 1
    assert len((await api.get("/accounts", headers=a.headers)).json()) == 1


async def test_a_pending_request_both_profiles_made_for_one_account_stays_one_request(
    api: httpx.AsyncClient, person: Any, number: Any, consumer: Any, publish: Any, eventually: Any
) -> None:
    await consumer()
    a, b = person(), person()
    body = {"region_code": "simferopol", "number": number(), "surname_prefix": "Абв"}
    kept = (await api.post("/accounts", json=body, headers=a.headers)).json()["request"]
    await api.post("/accounts", json=body, headers=b.headers)

    await publish(merged(a, b), source="/lka/identity")

    async def b_has_none() -> bool:
        return (await api.get("/link-requests", headers=b.headers)).json() == []

    await eventually(b_has_none)
    assert [r["id"] for r in (await api.get("/link-requests", headers=a.headers)).json()] == [kept["id"]]


async def test_a_merge_event_carrying_extra_fields_is_still_taken(
    api: httpx.AsyncClient, person: Any, billing: Any, consumer: Any, publish: Any, eventually: Any
) -> None:
    """Consumers ignore unknown fields (docs/contract.md §3)."""
    await consumer()
    a, b = person(), person()
    await link(api, b, (await billing()).number)
    data = {**merged(a, b).model_dump(mode="json"), "reason": "user_request"}
    envelope = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/lka/identity", "data": data}
    body = json.dumps({**envelope, "type": "identity.profiles.merged.v1"}).encode()

    await publish(body=body, routing_key="identity.profiles.merged.v1")

    async def a_has_it() -> bool:
        return len((await api.get("/accounts", headers=a.headers)).json()) == 1

    await eventually(a_has_it)


async def switch_paperless(api: httpx.AsyncClient, who: Any, account_id: str, enabled: bool) -> None:
    response = await api.put(f"/accounts/{account_id}/paperless", json={"enabled": enabled}, headers=who.headers)
    assert response.status_code == 200, response.text


async def paperless_of(api: httpx.AsyncClient, who: Any, account_id: str) -> bool:
    response = await api.get(f"/accounts/{account_id}/paperless", headers=who.headers)
    assert response.status_code == 200, response.text
    enabled: bool = response.json()["enabled"]
    return enabled


async def test_the_source_profiles_paperless_account_stays_paperless_for_the_target_once(
    api: httpx.AsyncClient,
    person: Any,
    billing: Any,
    consumer: Any,
    publish: Any,
    outbox: Any,
    db: asyncpg.Pool,
    eventually: Any,
) -> None:
    await consumer()
    a, b = person(), person()
    account = await billing()
    account_id = await link(api, b, account.number)
    await switch_paperless(api, b, account_id, True)
    event = merged(a, b)

    await publish(event, source="/lka/identity")

    async def target_turned_on() -> list[dict[str, Any]]:
        return await outbox("accounts.paperless.changed.v1", user_id=a.user_id)

    assert await eventually(target_turned_on) == [
        {
            "account_id": account_id,
            "region_code": "simferopol",
            "account_number": account.number,
            "user_id": str(a.user_id),
            "enabled": True,
        }
    ]
    assert await paperless_of(api, a, account_id) is True
    source_changes = await outbox("accounts.paperless.changed.v1", user_id=b.user_id)
    assert [change["enabled"] for change in source_changes] == [True, False]  # its own, then lost in the merge

    again_id = await publish(event, source="/lka/identity")  # identity re-raised it under a new id

    async def handled() -> bool:
        return await db.fetchval("SELECT 1 FROM inbox WHERE message_id = $1", again_id) is not None

    await eventually(handled)
    assert len(await outbox("accounts.paperless.changed.v1", account_id=account_id)) == 3
    assert await paperless_of(api, a, account_id) is True


async def test_the_targets_own_paper_bills_stand_against_the_sources_paperless(
    api: httpx.AsyncClient,
    person: Any,
    billing: Any,
    consumer: Any,
    publish: Any,
    outbox: Any,
    eventually: Any,
) -> None:
    await consumer()
    a, b = person(), person()
    shared = (await billing()).number
    account_id = await link(api, a, shared)
    await link(api, b, shared)
    await switch_paperless(api, a, account_id, True)
    await switch_paperless(api, a, account_id, False)  # the target chose paper bills
    await switch_paperless(api, b, account_id, True)

    await publish(merged(a, b), source="/lka/identity")

    async def b_has_none() -> bool:
        return (await api.get("/accounts", headers=b.headers)).json() == []

    await eventually(b_has_none)
    assert await paperless_of(api, a, account_id) is False
    target_changes = await outbox("accounts.paperless.changed.v1", user_id=a.user_id)
    assert [change["enabled"] for change in target_changes] == [True, False]  # its own two only
