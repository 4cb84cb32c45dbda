"""Card payments end to end, through the gateway, on the whole stack (payments issue, "must
hold" 1): a payer's browser without JavaScript fetches the emulated bank's card page, posts it
(and the MirAccept challenge), follows the redirects back to our result page; the portal then
shows the outcome, the brand and the masked card, and sends the receipt letter once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
import httpx
import pytest
from payments_support import V1, eventually, payer, random_amount, start_payment

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.testing.portal import Subscriber
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

T = TypeVar("T")
PAID = "Оплата прошла успешно"
RIGHT_OTP = {"otp": "123456"}


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield Browser(session)


async def pay(
    http: httpx.AsyncClient,
    stack: Stack,
    browser: Browser,
    me: Subscriber,
    started: dict[str, Any],
    *steps: dict[str, str],
) -> dict[str, Any]:
    """Through the bank's pages back to our result page, then the settled payment."""
    form = urlsplit(started["confirmation_url"])
    assert f"{form.scheme}://{form.netloc}" == stack.url(8090), started["confirmation_url"]
    assert form.path.endswith("/payment_ru.html") and "mdOrder=" in form.query

    visit = await browser.pay(started["confirmation_url"], *steps)

    back = urlsplit(visit.final_url)
    assert f"{back.scheme}://{back.netloc}" == stack.gateway, visit.final_url
    assert back.path == f"/payments/{started['id']}/result", visit.final_url

    async def settled() -> dict[str, Any] | None:
        response = await http.get(f"{V1}/payments/{started['id']}", headers=me.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if body["status"] != "pending" else None

    return await eventually(settled, f"payment {started['id']} settled")


async def receipts(http: httpx.AsyncClient, stack: Stack, to: str) -> list[dict[str, Any]]:
    messages = (await http.get(f"{stack.mail}/api/messages")).json()
    return [m for m in messages if to in m["to"] and m["subject"] == PAID]


def assert_masked(result: dict[str, Any], brand: str, pan: str) -> None:
    digits = pan.replace(" ", "")
    assert result["card"]["brand"] == brand
    masked = result["card"]["pan_masked"]
    assert digits not in masked.replace(" ", "")
    assert masked.startswith(digits[:6]) and masked.endswith(digits[-4:]), masked
    assert "*" in masked


async def test_visa_is_paid_without_a_challenge_and_the_receipt_arrives_once(
    http: httpx.AsyncClient, stack: Stack, browser: Browser
) -> None:
    pan = "4111 1111 1111 1111"
    me, account_id = await payer(http, stack)
    amount = random_amount()
    started = await start_payment(http, me, account_id, amount)

    result = await pay(http, stack, browser, me, started, card_form(pan))

    assert (result["status"], result["message"]) == ("succeeded", PAID)
    assert (result["id"], result["account_id"], result["amount"]) == (started["id"], account_id, amount)
    assert result["failure_reason"] is None and result["paid_at"]
    assert_masked(result, "visa", pan)

    async def one_receipt() -> list[dict[str, Any]] | None:
        return await receipts(http, stack, me.email) or None

    await eventually(one_receipt, f"the receipt letter to {me.email}")
    await asyncio.sleep(3)  # a moment for a duplicate to show up, if one were coming
    (receipt,) = await receipts(http, stack, me.email)
    assert amount in receipt["text"] and result["card"]["pan_masked"] in receipt["text"]
    assert pan.replace(" ", "") not in receipt["text"] + receipt["html"]


async def test_mir_with_the_right_mir_accept_code_is_paid(
    http: httpx.AsyncClient, stack: Stack, browser: Browser
) -> None:
    pan = "2200 0000 0000 0004"
    me, account_id = await payer(http, stack)
    started = await start_payment(http, me, account_id, random_amount())

    result = await pay(http, stack, browser, me, started, card_form(pan), RIGHT_OTP)

    assert (result["status"], result["message"]) == ("succeeded", PAID)
    assert_masked(result, "mir", pan)


@pytest.mark.parametrize(
    ("pan", "steps", "reason"),
    [
        ("2200 0000 0000 0004", [{"otp": "654321"}], "authentication_failed"),
        ("2200 0000 0000 0012", [RIGHT_OTP], "insufficient_funds"),
        ("4000 0000 0000 0002", [], "declined_by_issuer"),
    ],
    ids=["mir-wrong-code", "insufficient-funds", "issuer-decline"],
)
async def test_a_declined_card_fails_with_its_reason(
    http: httpx.AsyncClient, stack: Stack, browser: Browser, pan: str, steps: list[dict[str, str]], reason: str
) -> None:
    me, account_id = await payer(http, stack)
    started = await start_payment(http, me, account_id, random_amount())

    result = await pay(http, stack, browser, me, started, card_form(pan), *steps)

    assert (result["status"], result["failure_reason"]) == ("failed", reason)
    assert result["message"] and result["message"] != PAID
    assert result["paid_at"] is None
    assert await receipts(http, stack, me.email) == []


async def test_the_accounts_history_lists_online_payments_newest_first(
    http: httpx.AsyncClient, stack: Stack, browser: Browser
) -> None:
    me, account_id = await payer(http, stack)
    first = await start_payment(http, me, account_id, random_amount())
    await pay(http, stack, browser, me, first, card_form("4111 1111 1111 1111"))
    second = await start_payment(http, me, account_id, random_amount())
    await pay(http, stack, browser, me, second, card_form("4000 0000 0000 0002"))

    response = await http.get(f"{V1}/accounts/{account_id}/payments", headers=me.headers)

    assert response.status_code == 200, response.text
    history = response.json()
    mine = [p for p in history if p["id"] in (first["id"], second["id"])]
    assert [p["id"] for p in mine] == [second["id"], first["id"]]
    assert [(p["status"], p["source"]) for p in mine] == [("failed", "online"), ("succeeded", "online")]
    assert [p["amount"] for p in mine] == [second["amount"], first["amount"]]
    assert mine[1]["card"]["brand"] == "visa" and mine[1]["paid_at"]
    created = [datetime.fromisoformat(p["created_at"]) for p in history]
    assert created == sorted(created, reverse=True)
