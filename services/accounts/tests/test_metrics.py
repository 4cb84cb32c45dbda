"""What the accounts service counts (docs/operations.md, "Metrics"): link attempts by outcome
and link requests by the status they enter, once the change commits."""

from __future__ import annotations

from typing import Any

import httpx

from lka_common.testing.metrics import Delta

LIMIT = 10  # the default of both guessing limits (test_guessing_limits.py)


def attempts(outcome: str) -> Delta:
    return Delta("lka_link_attempts_total", outcome=outcome)


def requests(status: str) -> Delta:
    return Delta("lka_link_requests_total", status=status)


async def test_a_right_proof_counts_a_link_and_no_request(api: httpx.AsyncClient, person: Any, billing: Any) -> None:
    account = await billing(owner_surname="Петров")
    linked, created = attempts("linked"), requests("created")

    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Пет"}
    assert (await api.post("/accounts", json=body, headers=person().headers)).status_code == 201

    assert (linked(), created()) == (1, 0)


async def test_a_wrong_proof_counts_a_refusal_and_its_request_through_to_its_withdrawal(
    api: httpx.AsyncClient, person: Any, number: Any
) -> None:
    me = person()
    refused, created, withdrawn = attempts("refused"), requests("created"), requests("withdrawn")

    body = {"region_code": "simferopol", "number": number(), "surname_prefix": "Абв"}
    response = await api.post("/accounts", json=body, headers=me.headers)
    assert response.status_code == 202, response.text
    request_id = response.json()["request"]["id"]
    assert (refused(), created()) == (1, 1)

    assert (await api.delete(f"/link-requests/{request_id}", headers=me.headers)).status_code == 200
    assert (await api.delete(f"/link-requests/{request_id}", headers=me.headers)).status_code == 200  # stays so
    assert withdrawn() == 1


async def test_an_operators_decisions_count_by_status(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    operator = person("operator")
    approved, rejected = requests("approved"), requests("rejected")
    ids = []
    for _ in range(2):
        body = {"region_code": "simferopol", "number": number(), "surname_prefix": "Абв"}
        ids.append((await api.post("/accounts", json=body, headers=person().headers)).json()["request"]["id"])

    reject = await api.post(
        f"/operator/link-requests/{ids[0]}/reject", json={"comment": "Нет"}, headers=operator.headers
    )
    assert reject.status_code == 200, reject.text
    again = await api.post(
        f"/operator/link-requests/{ids[0]}/reject", json={"comment": "Нет"}, headers=operator.headers
    )
    assert again.status_code == 409  # decided already: rolled back, not counted

    assert (approved(), rejected()) == (0, 1)


async def test_guessing_past_the_limits_counts_as_limited_and_throttled(
    api: httpx.AsyncClient, person: Any, number: Any
) -> None:
    target = number()
    limited, throttled = attempts("limited"), attempts("throttled")
    miss = {"region_code": "simferopol", "number": target, "surname_prefix": "Абв"}
    for _ in range(LIMIT):  # strangers fill the account's counter
        assert (await api.post("/accounts", json=miss, headers=person().headers)).status_code == 202
    assert (await api.post("/accounts", json=miss, headers=person().headers)).status_code == 202
    assert limited() == 1

    guesser = person()
    for _ in range(LIMIT):  # one guesser fills their own counter on accounts of their choosing
        other = {"region_code": "simferopol", "number": number(), "surname_prefix": "Абв"}
        assert (await api.post("/accounts", json=other, headers=guesser.headers)).status_code == 202
    assert (await api.post("/accounts", json=miss, headers=guesser.headers)).status_code == 429
    assert throttled() == 1
