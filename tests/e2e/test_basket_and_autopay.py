"""The basket and autopay end to end, through the gateway, on the whole stack with the emulated
bank and the billing simulator (issue 21).

Basket ("must hold" 1): three demo accounts of one subscriber paid by one bank order, whose
receipt lists the three; one `payments.payment.succeeded.v1` per account with the basket's id,
read from a queue of the test's own on `lka.events`; each account's history shows its part, and
billing's registration of each clears the account's pending amount. Refusals create nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
import pytest
from payments_support import V1, eventually

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.events.payments import PaymentFailed, PaymentSucceeded
from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.amqp import declare_test_queue, drain
from lka_common.testing.portal import Subscriber, new_subscriber
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

VISA = "4111 1111 1111 1111"
# Demo accounts of the billing simulator (tools/billing_simulator/README.md): region, number, letters.
BASKET_ACCOUNTS = [("simferopol", "91000101", "ИВА"), ("yalta", "91000202", "ЁЛК"), ("kerch", "91000303", "ПЕТ")]
PROBE = "e2e.basket_autopay.probe"
PROBE_KEYS = [PaymentSucceeded.event_type, PaymentFailed.event_type, "payments.autopay.#"]


@pytest.fixture(scope="module")
async def probe(stack: Stack) -> str:
    """A queue of the test's own on `lka.events`, as an enterprise system would bind one."""
    await declare_test_queue(stack.amqp_url, PROBE, [(EVENTS_EXCHANGE, key) for key in PROBE_KEYS])
    return PROBE


class Events:
    """What reached the probe queue so far (drained and kept, each test filtering its own)."""

    def __init__(self, amqp_url: str) -> None:
        self.amqp_url = amqp_url
        self.seen: list[dict[str, Any]] = []

    async def of(self, event_type: str, **match: Any) -> list[dict[str, Any]]:
        self.seen += [json.loads(m.body) for m in await drain(self.amqp_url, PROBE, idle_s=0.5)]
        found = [e for e in self.seen if e["type"] == event_type]
        return [e["data"] for e in found if all(str(e["data"].get(k)) == str(v) for k, v in match.items())]


@pytest.fixture(scope="module")
def events(stack: Stack, probe: str) -> Events:
    return Events(stack.amqp_url)


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield Browser(session)


async def subscriber_with(
    http: httpx.AsyncClient, stack: Stack, accounts: list[tuple[str, str, str]]
) -> tuple[Subscriber, list[str]]:
    """A new subscriber with these demo accounts linked; their ids, in the same order."""
    me = await new_subscriber(http, stack.mail)
    ids = []
    for region, number, letters in accounts:
        body = {"region_code": region, "number": number, "surname_prefix": letters}
        linked = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
        assert linked.status_code == 201, linked.text
        ids.append(str(linked.json()["account"]["id"]))
    return me, ids


async def post_basket(
    http: httpx.AsyncClient, me: Subscriber, items: list[dict[str, str]], key: str | None = None
) -> httpx.Response:
    headers = {**me.headers, "Idempotency-Key": key or str(uuid.uuid4())}
    return await http.post(f"{V1}/payments/basket", json={"items": items, "method": "card"}, headers=headers)


async def start_basket(http: httpx.AsyncClient, me: Subscriber, items: list[dict[str, str]]) -> dict[str, Any]:
    """`POST /payments/basket`, retried with the same key until payments has heard of every link."""
    key = str(uuid.uuid4())

    async def probe() -> dict[str, Any] | None:
        response = await post_basket(http, me, items, key)
        if response.status_code == 404:
            return None  # a link event has not reached payments yet
        assert response.status_code == 201, response.text
        started: dict[str, Any] = response.json()
        return started

    return await eventually(probe, "payments knows every linked account")


async def test_a_basket_of_three_accounts_is_one_bank_order_and_three_bookings(
    http: httpx.AsyncClient, stack: Stack, browser: Browser, events: Events
) -> None:
    me, ids = await subscriber_with(http, stack, BASKET_ACCOUNTS)
    amounts = ["100.00", "200.50", "33.33"]
    items = [{"account_id": account, "amount": amount} for account, amount in zip(ids, amounts, strict=True)]

    basket = await start_basket(http, me, items)

    assert (basket["status"], basket["amount"]) == ("pending", "333.83")
    md_order = urlsplit(basket["confirmation_url"]).query.removeprefix("mdOrder=")
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as bank:
        order = (await bank.get(f"/emulator/orders/{md_order}")).json()
    bundle = order["orderBundle"]["cartItems"]["items"]
    assert order["amount"] == 33383
    assert [(i["name"].rsplit(" ", 1)[1], i["itemAmount"]) for i in bundle] == [
        ("91000101", 10000),
        ("91000202", 20050),
        ("91000303", 3333),
    ]

    visit = await browser.pay(basket["confirmation_url"], card_form(VISA))
    assert urlsplit(visit.final_url).path == f"/payments/baskets/{basket['id']}/result"

    async def paid() -> dict[str, Any] | None:
        body: dict[str, Any] = (await http.get(f"{V1}/payments/baskets/{basket['id']}", headers=me.headers)).json()
        return body if body["status"] != "pending" else None

    result = await eventually(paid, "the basket settled")
    assert (result["status"], [i["status"] for i in result["items"]]) == ("succeeded", ["succeeded"] * 3)

    async def three_events() -> list[dict[str, Any]] | None:
        found = await events.of(PaymentSucceeded.event_type, basket_id=basket["id"])
        return found if len(found) >= 3 else None

    succeeded = await eventually(three_events, "three succeeded events with the basket's id")
    assert sorted((e["account_id"], e["amount_kopecks"]) for e in succeeded) == sorted(
        zip(ids, [10000, 20050, 3333], strict=True)
    )
    assert {e["acquirer_order_id"] for e in succeeded} == {md_order}
    for account, part in zip(ids, result["items"], strict=True):
        history = (await http.get(f"{V1}/accounts/{account}/payments", headers=me.headers)).json()
        lines = [(h["id"], h["amount"], h["status"]) for h in history]
        assert (part["payment_id"], part["amount"], "succeeded") in lines

    async def all_registered() -> bool:
        listed = (await http.get(f"{V1}/accounts", headers=me.headers)).json()
        return all(account["pending_payments"] == "0.00" for account in listed)

    await eventually(all_registered, "billing registered each part: nothing pending on any account")


async def test_a_basket_is_refused_whole_in_russian(http: httpx.AsyncClient, stack: Stack) -> None:
    me, ids = await subscriber_with(http, stack, BASKET_ACCOUNTS[:2])
    _, (strangers,) = await subscriber_with(http, stack, BASKET_ACCOUNTS[2:])
    await start_basket(http, me, [{"account_id": account, "amount": "1.00"} for account in ids])  # links known
    line = [{"account_id": account, "amount": "10.00"} for account in ids]
    eleven = line + [{"account_id": str(uuid.uuid4()), "amount": "1.00"} for _ in range(9)]

    for items, status in [
        (line[:1], 422),
        (eleven, 422),
        ([line[0], line[1] | {"amount": "0.00"}], 422),
        ([line[0], line[1] | {"amount": "-1.00"}], 422),
        ([line[0], {"account_id": strangers, "amount": "1.00"}], 404),
    ]:
        response = await post_basket(http, me, items)
        assert response.status_code == status, response.text
        problem = response.json()
        assert problem["code"] == ("not_found" if status == 404 else "validation_error")
        assert any("а" <= ch <= "я" for ch in problem["detail"].lower()), problem
    listed = (await http.get(f"{V1}/accounts", headers=me.headers)).json()
    for account in ids:
        history = (await http.get(f"{V1}/accounts/{account}/payments", headers=me.headers)).json()
        # Only the basket that went through: the refused ones left no payment (others' show once paid).
        assert [h["amount"] for h in history if h["status"] == "pending"] == ["1.00"]
    assert len(listed) == 2
