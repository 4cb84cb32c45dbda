"""Removing an account from the list (the manual's «Удаление лицевого счета из ЛКА»)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


async def linked(api: httpx.AsyncClient, who: Any, number: str) -> str:
    body = {"region_code": "simferopol", "number": number, "surname_prefix": "Ива"}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    account_id: str = response.json()["account"]["id"]
    return account_id


async def test_removing_an_account_unlinks_it_with_the_manuals_message(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing()
    me = person()
    account_id = await linked(api, me, account.number)

    response = await api.delete(f"/accounts/{account_id}", headers=me.headers)

    assert response.status_code == 200
    assert response.json() == {"message": "Счет удален из списка Ваших счетов"}
    assert (await api.get("/accounts", headers=me.headers)).json() == []
    (unlinked,) = await outbox("accounts.account.unlinked.v1", user_id=me.user_id)
    assert unlinked == {
        "user_id": str(me.user_id),
        "account_id": account_id,
        "region_code": "simferopol",
        "account_number": account.number,
    }


async def test_removing_leaves_the_other_profiles_linked_to_the_same_account(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing()
    me, family = person(), person()
    account_id = await linked(api, me, account.number)
    await linked(api, family, account.number)

    assert (await api.delete(f"/accounts/{account_id}", headers=me.headers)).status_code == 200

    assert [a["id"] for a in (await api.get("/accounts", headers=family.headers)).json()] == [account_id]


async def test_someone_elses_or_an_unknown_account_is_404_and_stays_linked(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing()
    owner, stranger = person(), person()
    account_id = await linked(api, owner, account.number)

    foreign = await api.delete(f"/accounts/{account_id}", headers=stranger.headers)
    unknown = await api.delete(f"/accounts/{uuid.uuid4()}", headers=stranger.headers)

    assert (foreign.status_code, unknown.status_code) == (404, 404)
    assert foreign.json() == unknown.json()
    assert [a["id"] for a in (await api.get("/accounts", headers=owner.headers)).json()] == [account_id]


async def test_a_removed_account_can_be_linked_again(api: httpx.AsyncClient, person: Any, billing: Any) -> None:
    account = await billing()
    me = person()
    account_id = await linked(api, me, account.number)
    await api.delete(f"/accounts/{account_id}", headers=me.headers)

    assert await linked(api, me, account.number) == account_id
