"""Staff are not subscribers, and nobody decides their own request (docs/contract.md §4): an operator's
or a supervisor's session cannot link, correct a request or remove an account (403
`staff_not_allowed`), and a request whose author is the deciding operator is 403 `same_actor`.
Each refusal leaves everything as it was."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

STAFF = ["operator", "supervisor"]


async def a_request(api: httpx.AsyncClient, who: Any, number: str) -> dict[str, Any]:
    body = {"region_code": "simferopol", "number": number, "surname_prefix": "Щук"}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 202, response.text
    request: dict[str, Any] = response.json()["request"]
    return request


async def traces(db: asyncpg.Pool, user_id: uuid.UUID) -> dict[str, int]:
    """What a user's calls may have left behind: links, requests, counted failures, events."""
    return {
        "links": await db.fetchval("SELECT count(*) FROM account_links WHERE user_id = $1", user_id),
        "requests": await db.fetchval("SELECT count(*) FROM link_requests WHERE user_id = $1", user_id),
        "failures": await db.fetchval("SELECT count(*) FROM link_attempts WHERE key = $1", f"user:{user_id}"),
        "events": await db.fetchval("SELECT count(*) FROM outbox WHERE body LIKE $1", f"%{user_id}%"),
    }


@pytest.mark.parametrize("role", STAFF)
async def test_a_staff_token_cannot_link_an_account_by_any_proof_and_nothing_is_stored(
    api: httpx.AsyncClient, person: Any, billing: Any, number: Any, db: asyncpg.Pool, role: str
) -> None:
    account = await billing()
    staff = person(role)
    attempts = [
        {"number": account.number, "surname_prefix": "Ива"},  # right letters
        {"number": account.number, "last_payment_amount": "987.65"},  # right amount
        {"number": account.number, "surname_prefix": "Абв"},  # wrong: would be a request
        {"number": number(), "surname_prefix": "Ива"},  # unknown: would be a request
    ]

    answers = [
        await api.post("/accounts", json={"region_code": "simferopol", **body}, headers=staff.headers)
        for body in attempts
    ]

    for answer in answers:
        assert (answer.status_code, answer.json()["code"]) == (403, "staff_not_allowed"), answer.text
        assert answer.headers["content-type"] == "application/problem+json"
    assert await traces(db, staff.user_id) == {"links": 0, "requests": 0, "failures": 0, "events": 0}
    assert (await api.get("/accounts", headers=staff.headers)).json() == []


async def test_a_subscriber_turned_operator_can_neither_correct_an_old_request_nor_remove_an_account(
    api: httpx.AsyncClient, person: Any, billing: Any, db: asyncpg.Pool
) -> None:
    mine, asked = await billing(), await billing()
    me = person()
    body = {"region_code": "simferopol", "number": mine.number, "surname_prefix": "Ива"}
    account_id = (await api.post("/accounts", json=body, headers=me.headers)).json()["account"]["id"]
    request = await a_request(api, me, asked.number)
    before = await traces(db, me.user_id)
    now_staff = person("operator", user_id=me.user_id)

    right = {"region_code": "simferopol", "number": asked.number, "surname_prefix": "Ива"}
    edited = await api.put(f"/link-requests/{request['id']}", json=right, headers=now_staff.headers)
    removed = await api.delete(f"/accounts/{account_id}", headers=now_staff.headers)

    assert (edited.status_code, edited.json()["code"]) == (403, "staff_not_allowed")
    assert (removed.status_code, removed.json()["code"]) == (403, "staff_not_allowed")
    assert await traces(db, me.user_id) == before
    status = await db.fetchval("SELECT status FROM link_requests WHERE id = $1", uuid.UUID(request["id"]))
    assert status == "pending"
    # The lists stay readable: GET is not an action of a subscriber's.
    assert [a["id"] for a in (await api.get("/accounts", headers=now_staff.headers)).json()] == [account_id]


@pytest.mark.parametrize("role", STAFF)
async def test_an_operator_approving_their_own_request_is_403_same_actor_and_it_stays_pending(
    api: httpx.AsyncClient, person: Any, billing: Any, db: asyncpg.Pool, outbox: Any, role: str
) -> None:
    account = await billing()
    me = person()
    request = await a_request(api, me, account.number)
    myself = person(role, user_id=me.user_id)  # filed as a subscriber, promoted since

    approve = await api.post(f"/operator/link-requests/{request['id']}/approve", headers=myself.headers)
    reject = await api.post(
        f"/operator/link-requests/{request['id']}/reject", json={"comment": "Отказ"}, headers=myself.headers
    )

    for answer in (approve, reject):
        assert (answer.status_code, answer.json()["code"]) == (403, "same_actor"), answer.text
        assert answer.headers["content-type"] == "application/problem+json"
    row = await db.fetchrow(
        "SELECT status, comment, decided_by, decided_at FROM link_requests WHERE id = $1", uuid.UUID(request["id"])
    )
    assert dict(row) == {"status": "pending", "comment": None, "decided_by": None, "decided_at": None}
    assert await db.fetchval("SELECT count(*) FROM account_links WHERE user_id = $1", me.user_id) == 0
    assert await outbox("accounts.link_request.resolved.v1", request_id=request["id"]) == []
    assert await outbox("accounts.account.linked.v1", user_id=me.user_id) == []

    # Another operator decides it as usual.
    other = await api.post(f"/operator/link-requests/{request['id']}/approve", headers=person("operator").headers)
    assert (other.status_code, other.json()["status"]) == (200, "approved")
