"""Meters of an account and who may see them: only a subscriber the account is linked to;
anyone else, and any unknown account, gets the same 404 on every call (docs/contract.md §2)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_readings.service_layer import projections


async def test_the_meters_of_a_linked_account_are_listed_with_zones_and_the_last_reading(
    api: httpx.AsyncClient, scene: Any
) -> None:
    response = await api.get(f"/accounts/{scene.account.account_id}/meters", headers=scene.me.headers)

    assert response.status_code == 200
    (shown,) = response.json()
    assert shown["serial_number"] == "M230-0202"
    assert (shown["zones"], shown["zone_titles"], shown["digits"]) == (["T1", "T2"], ["T1 день", "T2 ночь"], 6)
    assert shown["last_reading"] == {"values": {"T1": 8123, "T2": 3456.5}, "date": "2026-10-20", "source": "billing"}


CALLS = [
    ("GET", "/meters", None),
    ("GET", "/readings", None),
    ("GET", "/consumption", None),
    ("POST", "/readings", {"meter_id": str(uuid.uuid4()), "values": {"T1": 8200, "T2": 3500}}),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_a_foreign_or_unknown_account_is_not_found_on_every_call(
    api: httpx.AsyncClient, scene: Any, person: Any, method: str, path: str, body: Any
) -> None:
    stranger = person()
    if body is not None:
        body = {**body, "meter_id": scene.meter_id}

    foreign = await api.request(
        method, f"/accounts/{scene.account.account_id}{path}", json=body, headers=stranger.headers
    )
    unknown = await api.request(method, f"/accounts/{uuid.uuid4()}{path}", json=body, headers=scene.me.headers)

    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()
    assert foreign.json()["code"] == "not_found"


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_every_account_call_needs_a_token(api: httpx.AsyncClient, method: str, path: str, body: Any) -> None:
    response = await api.request(method, f"/accounts/{uuid.uuid4()}{path}", json=body)
    assert response.status_code == 401


async def test_an_unlinked_account_is_not_found_any_more(api: httpx.AsyncClient, scene: Any, handlers: Any) -> None:
    unlinked = AccountUnlinked(
        user_id=scene.me.user_id,
        account_id=scene.account.account_id,
        region_code=scene.account.region_code,
        account_number=scene.account.number,
    )
    await handlers(projections.account_unlinked, unlinked)

    response = await api.get(f"/accounts/{scene.account.account_id}/meters", headers=scene.me.headers)
    assert response.status_code == 404


async def test_an_unlink_that_overtakes_its_link_leaves_the_account_not_found(
    api: httpx.AsyncClient, person: Any, meter: Any, handlers: Any
) -> None:
    data, me, account_id = await meter(), person(), uuid.uuid4()
    names = {
        "user_id": me.user_id,
        "account_id": account_id,
        "region_code": data.region_code,
        "account_number": data.account_number,
    }
    linked_at = datetime.now(UTC)
    await handlers(projections.account_unlinked, AccountUnlinked(**names), linked_at + timedelta(seconds=1))
    await handlers(projections.account_linked, AccountLinked(**names, linked_via="surname"), linked_at)

    response = await api.get(f"/accounts/{account_id}/meters", headers=me.headers)
    assert response.status_code == 404


async def test_a_removed_meter_is_no_longer_listed(api: httpx.AsyncClient, scene: Any, meter: Any) -> None:
    await meter(region_code=scene.data.region_code, account_number=scene.data.account_number, removed=True)

    response = await api.get(f"/accounts/{scene.account.account_id}/meters", headers=scene.me.headers)
    assert response.json() == []
