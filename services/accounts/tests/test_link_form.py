"""The link form's rules and the accounts list's paging (docs/contract.md §2): exactly one proof,
a known region, a token for every call, newest first in pages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


async def test_an_unknown_region_is_422_unknown_region(api: httpx.AsyncClient, person: Any) -> None:
    response = await api.post(
        "/accounts",
        json={"region_code": "moscow", "number": "123456", "surname_prefix": "Ива"},
        headers=person().headers,
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_region"
    assert body["errors"] == [{"field": "region_code", "message": "Неизвестный регион"}]


@pytest.mark.parametrize(
    ("proof", "field"),
    [
        ({}, "body"),
        ({"last_payment_amount": "987.65", "surname_prefix": "Ива"}, "body"),
        ({"last_payment_amount": "987.655"}, "last_payment_amount"),
        ({"last_payment_amount": "0.00"}, "last_payment_amount"),
        ({"last_payment_amount": "-5"}, "last_payment_amount"),
        ({"last_payment_amount": 987.65}, "last_payment_amount"),
        ({"surname_prefix": "Ив"}, "surname_prefix"),
        ({"surname_prefix": "Ив1"}, "surname_prefix"),
        ({"surname_prefix": "Иван"}, "surname_prefix"),
    ],
)
async def test_exactly_one_well_formed_proof_is_required(
    api: httpx.AsyncClient, person: Any, proof: dict[str, Any], field: str
) -> None:
    response = await api.post(
        "/accounts", json={"region_code": "simferopol", "number": "123456", **proof}, headers=person().headers
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [error["field"] for error in body["errors"]] == [field]
    assert all(any("а" <= ch <= "я" for ch in error["message"].lower()) for error in body["errors"])


async def test_every_accounts_call_needs_a_token(api: httpx.AsyncClient) -> None:
    calls = [
        api.get("/accounts"),
        api.post("/accounts", json={"region_code": "simferopol", "number": "1", "surname_prefix": "Ива"}),
        api.delete("/accounts/8a6e0804-2bd0-4672-b79d-d97358d0a8e1"),
        api.get("/link-requests"),
        api.get("/operator/link-requests"),
    ]
    for call in calls:
        response = await call
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


async def test_accounts_are_listed_newest_first_in_pages(api: httpx.AsyncClient, person: Any, billing: Any) -> None:
    subscriber = person()
    numbers = []
    for _ in range(3):
        account = await billing()
        body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ива"}
        assert (await api.post("/accounts", json=body, headers=subscriber.headers)).status_code == 201
        numbers.append(account.number)

    everything = (await api.get("/accounts", headers=subscriber.headers)).json()
    page = (await api.get("/accounts?limit=1&offset=1", headers=subscriber.headers)).json()
    too_big = await api.get("/accounts?limit=201", headers=subscriber.headers)

    assert [item["number"] for item in everything] == numbers[::-1]
    assert [item["number"] for item in page] == [numbers[1]]
    assert too_big.status_code == 422
