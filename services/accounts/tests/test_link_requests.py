"""A subscriber's own link requests (the manual's «Редактирование заявок на присоединение»;
docs/contract.md §2): listed newest first, corrected, and someone else's is 404 like an unknown one."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

REQUEST_LINKED = "Лицевой счет успешно привязан к учетной записи"


async def a_request(api: httpx.AsyncClient, who: Any, number: str, region_code: str = "simferopol") -> dict[str, Any]:
    body = {"region_code": region_code, "number": number, "surname_prefix": "Щук"}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 202, response.text
    request: dict[str, Any] = response.json()["request"]
    return request


async def test_a_subscriber_lists_only_their_own_requests_newest_first(
    api: httpx.AsyncClient, person: Any, number: Any
) -> None:
    me, stranger = person(), person()
    first = await a_request(api, me, number())
    second = await a_request(api, me, number())
    await a_request(api, stranger, number())

    listed = (await api.get("/link-requests", headers=me.headers)).json()

    assert [item["id"] for item in listed] == [second["id"], first["id"]]
    assert listed[0] == second


async def test_correcting_a_request_with_the_right_data_links_the_account_at_once(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing(owner_surname="Ковалёв")
    me = person()
    request = await a_request(api, me, account.number)

    response = await api.put(
        f"/link-requests/{request['id']}",
        json={"region_code": "simferopol", "number": account.number, "surname_prefix": "Ков"},
        headers=me.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "linked", "message": REQUEST_LINKED}
    assert [a["number"] for a in (await api.get("/accounts", headers=me.headers)).json()] == [account.number]
    (listed,) = (await api.get("/link-requests", headers=me.headers)).json()
    assert listed["status"] == "approved"
    (resolved,) = await outbox("accounts.link_request.resolved.v1", request_id=request["id"])
    assert resolved["status"] == "approved"
    (linked,) = await outbox("accounts.account.linked.v1", user_id=me.user_id)
    assert linked["linked_via"] == "surname"


async def test_correcting_a_request_with_wrong_data_keeps_it_pending_with_the_corrected_number(
    api: httpx.AsyncClient, person: Any, number: Any
) -> None:
    me = person()
    request = await a_request(api, me, number())
    corrected = number()

    response = await api.put(
        f"/link-requests/{request['id']}",
        json={"region_code": "yalta", "number": corrected, "last_payment_amount": "100.00"},
        headers=me.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "pending"
    assert (body["request"]["id"], body["request"]["region_code"], body["request"]["number"]) == (
        request["id"],
        "yalta",
        corrected,
    )
    assert body["request"]["updated_at"] > request["updated_at"]


async def test_someone_elses_or_an_unknown_request_is_404(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    owner, stranger = person(), person()
    request = await a_request(api, owner, number())
    body = {"region_code": "simferopol", "number": request["number"], "surname_prefix": "Ива"}

    foreign = await api.put(f"/link-requests/{request['id']}", json=body, headers=stranger.headers)
    unknown = await api.put(f"/link-requests/{uuid.uuid4()}", json=body, headers=stranger.headers)

    assert (foreign.status_code, unknown.status_code) == (404, 404)
    assert foreign.json() == unknown.json()


async def test_linking_with_the_right_data_settles_the_open_request_for_that_account(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing()
    me = person()
    request = await a_request(api, me, account.number)

    body = {"region_code": "simferopol", "number": account.number, "last_payment_amount": "987.65"}
    assert (await api.post("/accounts", json=body, headers=me.headers)).status_code == 201

    (listed,) = (await api.get("/link-requests", headers=me.headers)).json()
    assert (listed["id"], listed["status"]) == (request["id"], "approved")
    (resolved,) = await outbox("accounts.link_request.resolved.v1", request_id=request["id"])
    assert resolved["status"] == "approved"
