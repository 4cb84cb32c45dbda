"""The emulated bank's side of the autopay end-to-end tests (test_autopay.py,
test_autopay_co_owner.py): the card a subscriber saves and the day their autopay pays on, a
subscriber with autopay as the tests hold them, the bank's clock moved to a day, and what the
bank holds of the subscriber's cards (their orders, per account and month, and the saved card's
binding the orders name). The bank's side is what counts charges, and what a co-owner must never
be shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import httpx

from lka_common.scheduler.clock import LOCAL_TIME
from lka_common.testing.portal import Subscriber
from lka_common.testing.stack import Stack

VISA = "4111 1111 1111 1111"
DAY = 10  # every account's autopay day


@dataclass
class Autopayer:
    me: Subscriber
    client_id: str  # the bank's clientId of the subscriber's card
    accounts: dict[str, str]  # account number -> our account id, in the order they were linked


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), LOCAL_TIME)


async def move_bank_clock(stack: Stack, day: date) -> None:
    """The emulated bank's clock on to noon of `day` in Crimea: its orders are dated that day."""
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as bank:
        now = datetime.fromisoformat((await bank.post("/emulator/clock", json={"advance_seconds": 0})).json()["now"])
        moved = await bank.post("/emulator/clock", json={"advance_seconds": (noon(day) - now).total_seconds()})
    assert moved.status_code == 200, moved.text


async def client_orders(stack: Stack, payer: Autopayer) -> list[dict[str, Any]]:
    """Every order the bank holds for the subscriber (their card's clientId), oldest first."""
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as bank:
        response = await bank.get("/emulator/orders", params={"clientId": payer.client_id})
    assert response.status_code == 200, response.text
    return list(response.json())


async def bank_orders(stack: Stack, payer: Autopayer, day: date) -> dict[str, list[tuple[str, int, int, int]]]:
    """The subscriber's orders at the bank dated in `day`'s month (by the bank's clock), per
    account number: (order number, amount, status, action code), oldest first."""
    found: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
    for order in await client_orders(stack, payer):
        if order["created_at"].startswith(f"{day:%Y-%m}"):
            number = order["description"].rsplit(" ", 1)[1]  # "Автоплатеж за электроэнергию, л/с № …"
            found[number].append((order["order_number"], order["amount"], order["status"], order["action_code"]))
    return dict(found)


async def binding_of(stack: Stack, payer: Autopayer) -> str:
    """The saved card's binding at the bank, as the orders it paid name it."""
    (binding,) = {o["binding_id"] for o in await client_orders(stack, payer) if o["binding_id"]}
    return str(binding)
