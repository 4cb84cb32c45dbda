"""Operators review link requests (docs/contract.md §2 operator calls): list, approve (the account is
linked) or reject with a comment, each decision recorded with the operator and the time; and
look an account up as billing last sent it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx


async def a_request(api: httpx.AsyncClient, who: Any, number: str, region_code: str = "simferopol") -> dict[str, Any]:
    body = {"region_code": region_code, "number": number, "surname_prefix": "Щук"}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 202, response.text
    request: dict[str, Any] = response.json()["request"]
    return request


async def test_an_operator_approves_a_request_and_the_account_is_linked(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any, db: asyncpg.Pool
) -> None:
    account = await billing(region_code="feodosiya")
    me, operator = person(), person("operator")
    request = await a_request(api, me, account.number, "feodosiya")

    pending = (await api.get("/operator/link-requests?status=pending", headers=operator.headers)).json()
    approved = await api.post(f"/operator/link-requests/{request['id']}/approve", headers=operator.headers)

    assert request["id"] in [item["id"] for item in pending]
    assert all(item["status"] == "pending" for item in pending)
    assert next(item for item in pending if item["id"] == request["id"])["user_id"] == str(me.user_id)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["user_id"]) == ("approved", str(me.user_id))
    assert [a["number"] for a in (await api.get("/accounts", headers=me.headers)).json()] == [account.number]
    row = await db.fetchrow("SELECT decided_by, decided_at FROM link_requests WHERE id = $1", uuid.UUID(request["id"]))
    assert row["decided_by"] == operator.user_id
    assert abs(row["decided_at"] - datetime.now(UTC)) < timedelta(minutes=1)
    (linked,) = await outbox("accounts.account.linked.v1", user_id=me.user_id)
    assert linked["linked_via"] == "operator"
    (resolved,) = await outbox("accounts.link_request.resolved.v1", request_id=request["id"])
    assert resolved == {
        "request_id": request["id"],
        "user_id": str(me.user_id),
        "region_code": "feodosiya",
        "account_number": account.number,
        "status": "approved",
    }


async def test_an_operator_rejects_a_request_with_a_comment_the_subscriber_sees(
    api: httpx.AsyncClient, person: Any, number: Any, outbox: Any, db: asyncpg.Pool
) -> None:
    me, operator = person(), person("operator")
    request = await a_request(api, me, number())

    rejected = await api.post(
        f"/operator/link-requests/{request['id']}/reject",
        json={"comment": "Владелец счета не подтвердил"},
        headers=operator.headers,
    )

    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["comment"]) == ("rejected", "Владелец счета не подтвердил")
    (mine,) = (await api.get("/link-requests", headers=me.headers)).json()
    assert (mine["status"], mine["comment"]) == ("rejected", "Владелец счета не подтвердил")
    row = await db.fetchrow("SELECT decided_by, decided_at FROM link_requests WHERE id = $1", uuid.UUID(request["id"]))
    assert row["decided_by"] == operator.user_id and row["decided_at"] is not None
    (resolved,) = await outbox("accounts.link_request.resolved.v1", request_id=request["id"])
    assert resolved["status"] == "rejected"
    assert (await api.get("/accounts", headers=me.headers)).json() == []


async def test_a_rejection_needs_a_comment(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    request = await a_request(api, person(), number())

    response = await api.post(
        f"/operator/link-requests/{request['id']}/reject", json={"comment": ""}, headers=person("operator").headers
    )

    assert response.status_code == 422


async def test_a_decided_request_cannot_be_decided_again_and_an_approved_one_not_corrected_or_withdrawn(
    api: httpx.AsyncClient, person: Any, billing: Any, number: Any
) -> None:
    me, operator = person(), person("operator")
    rejected = await a_request(api, me, number())
    account = await billing()
    approved = await a_request(api, me, account.number)
    reject = f"/operator/link-requests/{rejected['id']}/reject"
    assert (await api.post(reject, json={"comment": "Нет"}, headers=operator.headers)).status_code == 200
    approve = f"/operator/link-requests/{approved['id']}/approve"
    assert (await api.post(approve, headers=operator.headers)).status_code == 200

    again = await api.post(f"/operator/link-requests/{rejected['id']}/approve", headers=operator.headers)
    twice = await api.post(approve, headers=operator.headers)
    edited = await api.put(
        f"/link-requests/{approved['id']}",
        json={"region_code": "simferopol", "number": approved["number"], "surname_prefix": "Ива"},
        headers=me.headers,
    )
    withdrawn = await api.delete(f"/link-requests/{approved['id']}", headers=me.headers)

    assert (again.status_code, again.json()["code"]) == (409, "request_resolved")
    assert (twice.status_code, twice.json()["code"]) == (409, "request_resolved")
    assert (edited.status_code, edited.json()["code"]) == (409, "request_resolved")
    assert (withdrawn.status_code, withdrawn.json()["code"]) == (409, "request_approved")
    assert "Убрать" in withdrawn.json()["detail"]


async def test_a_request_for_an_account_billing_does_not_know_cannot_be_approved_yet(
    api: httpx.AsyncClient, person: Any, number: Any
) -> None:
    request = await a_request(api, person(), number())

    response = await api.post(f"/operator/link-requests/{request['id']}/approve", headers=person("operator").headers)

    assert (response.status_code, response.json()["code"]) == (409, "account_unknown")


async def test_operator_calls_are_403_for_subscribers(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    subscriber = person()
    request = await a_request(api, subscriber, number())

    calls = [
        api.get("/operator/link-requests?status=pending", headers=subscriber.headers),
        api.post(f"/operator/link-requests/{request['id']}/approve", headers=subscriber.headers),
        api.post(f"/operator/link-requests/{request['id']}/reject", json={"comment": "x"}, headers=subscriber.headers),
        api.get(f"/operator/billing-accounts/simferopol/{request['number']}", headers=subscriber.headers),
    ]
    for call in calls:
        assert (await call).status_code == 403


async def test_an_operator_looks_up_an_account_as_billing_last_sent_it(
    api: httpx.AsyncClient, person: Any, billing: Any, number: Any
) -> None:
    account = await billing(region_code="sudak", owner_surname="Ёжиков", owner_initials="П. С.")
    operator = person("operator")

    found = await api.get(f"/operator/billing-accounts/sudak/{account.number}", headers=operator.headers)
    missing = await api.get(f"/operator/billing-accounts/sudak/{number()}", headers=operator.headers)

    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["owner_surname"], body["owner_initials"], body["address"]) == ("Ёжиков", "П. С.", account.address)
    assert (body["debt"], body["penalty"], body["amount_due"]) == ("1523.40", "12.50", "1535.90")
    assert body["last_payment"] == {"amount": "987.65", "date": "2026-10-20"}
    assert body["region"] == {"code": "sudak", "name": "Городской округ Судак"}
    assert missing.status_code == 404
