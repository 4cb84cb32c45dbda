"""One autopay per account, end to end, as a co-owner would try to break it (docs/contract.md
`PUT /accounts/{id}/autopay`: "one per account", 409 `autopay_taken`; "404 … another
subscriber's"): two subscribers of their own linked to one account, each with a card saved on
the emulated bank's page; the first sets autopay, the second cannot set, read or end it, and no
answer shows them anything of the first one's card (its id, its masked number, the bank's
binding).

A module apart from the autopay drill (test_autopay.py): it moves no clock and starts no
scheduler, only the gateway's answers to two subscribers of one account are looked at; the stack
is the e2e conftest's, whose consumers schedule nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
from autopay_support import DAY, VISA, Autopayer, binding_of
from billing_support import account_update, link, new_number, publish
from payments_support import V1, save_card, user_id_of

from lka_acquirer_emulator.testing import Browser
from lka_common.testing.portal import new_subscriber
from lka_common.testing.stack import Stack

# Marked as it was within the autopay drill, so a run selecting `-m drill` still takes it.
pytestmark = [pytest.mark.slow, pytest.mark.drill]

MASTERCARD = "5555 5555 5555 4444"
TAKEN = "Автоплатеж по этому счету уже настроен другим пользователем"


@pytest.fixture(scope="module")
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


async def test_a_co_owner_can_neither_take_nor_read_nor_end_anothers_autopay(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    """Two subscribers linked to one account, each with a card saved: the first sets autopay;
    the second, trying every call of it, is refused in Russian and learns nothing of the
    first one's card (docs/contract.md: "one per account", "404 … another subscriber's")."""
    number = new_number()
    await publish(stack, account_update(number))
    owner, co_owner = await new_subscriber(http, stack.mail), await new_subscriber(http, stack.mail)
    account_id = await link(http, stack_env, owner, number)
    assert await link(http, stack_env, co_owner, number) == account_id
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        card = await save_card(http, Browser(session), owner, account_id, VISA)
        own_card = await save_card(http, Browser(session), co_owner, account_id, MASTERCARD)
    body = {"card_id": card["id"], "day_of_month": DAY, "max_amount": "1000.00"}
    autopay = f"{V1}/accounts/{account_id}/autopay"
    assert (await http.put(autopay, json=body, headers=owner.headers)).status_code == 200
    binding = await binding_of(stack, Autopayer(owner, user_id_of(owner), {number: account_id}))

    answers: list[httpx.Response] = []

    async def as_co_owner(method: str, path: str, **kwargs: Any) -> httpx.Response:
        answers.append(await http.request(method, path, headers=co_owner.headers, **kwargs))
        return answers[-1]

    # With a card of their own: taken, and said so in Russian.
    theirs = {"card_id": own_card["id"], "day_of_month": 5, "max_amount": "10.00"}
    taken = await as_co_owner("PUT", autopay, json=theirs)
    assert taken.status_code == 409, taken.text
    assert taken.headers["content-type"].startswith("application/problem+json")
    assert (taken.json()["code"], taken.json()["detail"]) == ("autopay_taken", TAKEN)
    # With the owner's card: not theirs to pay with.
    borrowed = await as_co_owner("PUT", autopay, json={**theirs, "card_id": card["id"]})
    assert (borrowed.status_code, borrowed.json()["code"]) == (404, "card_not_found"), borrowed.text
    # Nor to read or to end: as if there were none.
    for method in ("GET", "DELETE"):
        refused = await as_co_owner(method, autopay)
        assert (refused.status_code, refused.json()["code"]) == (404, "not_found"), refused.text
    listed = await as_co_owner("GET", f"{V1}/cards")
    assert [c["id"] for c in listed.json()] == [own_card["id"]]

    # Nothing of the owner's card in any of it: neither its id, nor its masked number, nor the
    # bank's binding; and the owner's autopay is as they set it.
    for answer in answers:
        for secret in (card["id"], card["pan_masked"], binding):
            assert secret not in answer.text, f"{answer.request.method} {answer.request.url}: {answer.text}"
    kept = (await http.get(autopay, headers=owner.headers)).json()
    assert (kept["status"], kept["card"]["id"], kept["day_of_month"]) == ("active", card["id"], DAY)
