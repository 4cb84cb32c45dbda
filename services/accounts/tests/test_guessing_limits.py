"""Guessing is limited (CONTRACT §2 limits, QUALITY 6): three letters of a surname are a weak
secret, so failed link attempts are capped per user and per account, and past the cap even a
right answer is refused with 429 and Retry-After."""

from __future__ import annotations

import asyncio
from typing import Any

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


async def test_past_the_accounts_limit_another_profile_gets_429_even_with_the_right_amount(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing()
    miss = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Абв"}
    for _ in range(LIMIT):
        # A different profile each time: only the account's counter fills up.
        assert (await api.post("/accounts", json=miss, headers=person().headers)).status_code == 202

    right = {"region_code": "simferopol", "number": account.number, "last_payment_amount": "987.65"}
    response = await api.post("/accounts", json=right, headers=person().headers)

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


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
