"""Guessing is limited (docs/contract.md §2 limits, docs/quality.md item 6): three letters of a surname are a weak
secret, so failed link attempts are capped per user and per account. Past the user's cap even
a right answer is refused with 429 and Retry-After. Past the account's cap an attempt becomes
a request for an operator whatever its proof: never 429, which would let strangers lock the
owner out, and never a link, which would let them go on guessing."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx

LIMIT = 10  # the default of both settings


async def test_past_the_users_limit_even_the_right_letters_get_429_with_retry_after(
    api: httpx.AsyncClient, person: Any, billing: Any, number: Any
) -> None:
    account = await billing(owner_surname="Ёлкин")
    guesser = person()
    for _ in range(LIMIT):
        # A different account each time: only the user's counter fills up.
        miss = {"region_code": "simferopol", "number": number(), "surname_prefix": "Абв"}
        assert (await api.post("/accounts", json=miss, headers=guesser.headers)).status_code == 202

    right = {"region_code": "simferopol", "number": account.number, "surname_prefix": "елк"}
    response = await api.post("/accounts", json=right, headers=guesser.headers)

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert 3500 <= int(response.headers["retry-after"]) <= 3600
    assert (await api.get("/accounts", headers=guesser.headers)).json() == []
    # The request of a guesser past the limit is refused too, not only a new link.
    requests = (await api.get("/link-requests", headers=guesser.headers)).json()
    assert len(requests) == LIMIT
    edit = await api.put(f"/link-requests/{requests[0]['id']}", json=right, headers=guesser.headers)
    assert edit.status_code == 429


async def strangers_fail(api: httpx.AsyncClient, person: Any, number: str, times: int = LIMIT) -> None:
    """Wrong letters on one account from a new profile each time: only the account's counter fills up."""
    miss = {"region_code": "simferopol", "number": number, "surname_prefix": "Абв"}
    for _ in range(times):
        assert (await api.post("/accounts", json=miss, headers=person().headers)).status_code == 202


async def test_after_ten_strangers_fail_on_an_account_its_owners_right_letters_make_a_request_not_a_link(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing(owner_surname="Ёлкина")
    await strangers_fail(api, person, account.number)
    owner = person()

    right = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ёлк"}
    response = await api.post("/accounts", json=right, headers=owner.headers)

    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["status"], body["request"]["status"]) == ("request_created", "pending")
    assert "retry-after" not in response.headers
    assert (await api.get("/accounts", headers=owner.headers)).json() == []
    assert await outbox("accounts.account.linked.v1", user_id=owner.user_id) == []
    (created,) = await outbox("accounts.link_request.created.v1", user_id=owner.user_id)
    assert created["request_id"] == body["request"]["id"]
    # An operator then links it for the owner.
    approved = await api.post(
        f"/operator/link-requests/{body['request']['id']}/approve", headers=person("operator").headers
    )
    assert approved.status_code == 200, approved.text
    assert [a["number"] for a in (await api.get("/accounts", headers=owner.headers)).json()] == [account.number]


async def test_past_the_accounts_limit_a_right_and_a_wrong_proof_get_the_same_answer_and_neither_links(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing()
    await strangers_fail(api, person, account.number)
    proofs = {
        "right amount": {"last_payment_amount": "987.65"},
        "right letters": {"surname_prefix": "Ива"},
        "wrong amount": {"last_payment_amount": "987.66"},
        "wrong letters": {"surname_prefix": "Пет"},
    }

    answers = {}
    for name, proof in proofs.items():
        who = person()
        response = await api.post(
            "/accounts", json={"region_code": "simferopol", "number": account.number, **proof}, headers=who.headers
        )
        assert response.status_code == 202, (name, response.text)
        assert (await api.get("/accounts", headers=who.headers)).json() == [], name
        answers[name] = response

    def shape(response: httpx.Response) -> dict[str, Any]:
        body = response.json()
        echoed = {"id", "created_at", "updated_at", "proof"}  # the proof: what the caller entered, echoed
        request = {k: v for k, v in body["request"].items() if k not in echoed}
        return {**body, "request": request}

    assert len({repr(shape(answer)) for answer in answers.values()}) == 1
    for name, proof in proofs.items():
        echoed = answers[name].json()["request"]["proof"]
        assert echoed == (
            {"last_payment_amount": proof["last_payment_amount"]}
            if "last_payment_amount" in proof
            else {"surname_prefix": proof["surname_prefix"].upper()}
        ), name
    assert len({tuple(sorted(answer.headers.keys())) for answer in answers.values()}) == 1


async def test_past_the_accounts_limit_correcting_a_request_with_the_right_proof_keeps_it_pending(
    api: httpx.AsyncClient, person: Any, billing: Any, db: asyncpg.Pool
) -> None:
    account = await billing()
    owner = person()
    wrong = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Пет"}
    request = (await api.post("/accounts", json=wrong, headers=owner.headers)).json()["request"]
    await strangers_fail(api, person, account.number, LIMIT - 1)  # the owner's miss was the first

    right = {**wrong, "surname_prefix": "Ива"}
    response = await api.put(f"/link-requests/{request['id']}", json=right, headers=owner.headers)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["request"]["id"]) == ("pending", request["id"])
    assert (await api.get("/accounts", headers=owner.headers)).json() == []
    status = await db.fetchval("SELECT status FROM link_requests WHERE id = $1", uuid.UUID(request["id"]))
    assert status == "pending"


async def test_the_users_limit_still_answers_429_on_an_account_past_its_own_limit(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing()
    await strangers_fail(api, person, account.number)
    guesser = person()
    # Past the account's limit the proof is not looked at, so right and wrong count alike for the
    # user: when the user's counter fills up cannot tell which guess was right.
    for letters in ["Ива", "Абв"] * (LIMIT // 2):
        body = {"region_code": "simferopol", "number": account.number, "surname_prefix": letters}
        assert (await api.post("/accounts", json=body, headers=guesser.headers)).status_code == 202

    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ива"}
    response = await api.post("/accounts", json=body, headers=guesser.headers)

    assert (response.status_code, response.json()["code"]) == (429, "too_many_attempts")
    assert 3500 <= int(response.headers["retry-after"]) <= 3600


async def test_successes_do_not_count_toward_the_limit(api: httpx.AsyncClient, person: Any, billing: Any) -> None:
    me = person()
    for _ in range(LIMIT + 1):
        account = await billing()
        body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ива"}
        assert (await api.post("/accounts", json=body, headers=me.headers)).status_code == 201


async def test_parallel_guesses_are_all_counted(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    guesser = person()
    misses = [{"region_code": "simferopol", "number": number(), "surname_prefix": "Абв"} for _ in range(LIMIT + 5)]

    answers = await asyncio.gather(*(api.post("/accounts", json=m, headers=guesser.headers) for m in misses))

    assert sorted(r.status_code for r in answers) == [202] * LIMIT + [429] * 5
