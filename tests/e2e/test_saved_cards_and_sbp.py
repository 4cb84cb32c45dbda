"""Saved cards and SBP end to end, through the gateway, on the whole stack with the emulated bank
(issue 21, first slice, "must hold" 1 and 2): a card saved on the bank's page is listed, pays
again without the page (frictionless, or through the issuer's 3-D Secure challenge), reaches
billing like any payment, and once deleted is gone at the bank and here and pays no more; nobody
else sees or touches it. An SBP QR code is paid by the payer's bank app and settled by the
callback, or with callbacks lost by the poller; one left unpaid expires with the bank's session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import httpx
import pytest
from payments_support import V1, eventually, payer, random_amount, save_card, settled, start_payment, user_id_of

from lka_acquirer_emulator.testing import Browser
from lka_common.testing.databases import plain_url
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

VISA, CHALLENGED = "4111 1111 1111 1111", "4000 0000 0000 3063"
RIGHT_OTP = {"otp": "123456"}
# The emulator's credentials are the payments service's development placeholders.
BANK_LOGIN = {"userName": "change-me-rbs-user", "password": "change-me-rbs-password"}
SESSION_TIMEOUT_S = 1200  # LKA_PAYMENTS_RBS_SESSION_TIMEOUT_S as the stack runs it


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield Browser(session)


@pytest.fixture
async def payments_db(stack_env: tuple[dict[str, str], str, int]) -> AsyncIterator[asyncpg.Pool]:
    """The stack's payments database, read only: what billing sent back, what the poller did."""
    url = plain_url(stack_env[0]["LKA_PAYMENTS_DATABASE_URL"])
    async with asyncpg.create_pool(url, min_size=1, max_size=1) as pool:
        yield pool


async def bank(stack: Stack, path: str, **data: Any) -> dict[str, Any]:
    """A call of the emulated bank's API (`/payment/rest/…`) or of its control endpoints."""
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as client:
        if path.startswith("/payment/rest/"):
            response = await client.post(path, data={**BANK_LOGIN, **{k: str(v) for k, v in data.items()}})
        else:
            response = await client.post(path, json=data or None)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def registered_by_billing(db: asyncpg.Pool, payment_id: str) -> None:
    """Billing got the succeeded event: its registration names our payment."""

    async def found() -> bool:
        return bool(
            await db.fetchval("SELECT count(*) FROM billing_payments WHERE lka_payment_id = $1::uuid", payment_id)
        )

    await eventually(found, f"billing registered payment {payment_id}")


async def test_a_saved_card_pays_again_until_deleted(
    http: httpx.AsyncClient, stack: Stack, browser: Browser, payments_db: asyncpg.Pool
) -> None:
    me, account_id = await payer(http, stack)
    visa = await save_card(http, browser, me, account_id, VISA)
    assert (visa["brand"], visa["pan_masked"], visa["expiry"]) == ("visa", "411111******1111", "12/30")

    # Frictionless: decided at once, no page to go to, registered by billing like any payment.
    amount = random_amount()
    again = await start_payment(http, me, account_id, amount, card_id=visa["id"])
    assert (again["status"], again["confirmation_url"]) == ("succeeded", None)
    assert (await settled(http, me, again["id"]))["card"] == {"brand": "visa", "pan_masked": "411111******1111"}
    await registered_by_billing(payments_db, again["id"])

    # The card whose issuer always challenges: 3-D Secure on the emulator's page, then paid.
    challenged = await save_card(http, browser, me, account_id, CHALLENGED, RIGHT_OTP)
    started = await start_payment(http, me, account_id, random_amount(), card_id=challenged["id"])
    assert started["status"] == "pending" and started["confirmation_url"].startswith(stack.url(8090))
    visit = await browser.pay(started["confirmation_url"], RIGHT_OTP)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result"
    assert (await settled(http, me, started["id"]))["status"] == "succeeded"

    deleted = await http.delete(f"{V1}/cards/{challenged['id']}", headers=me.headers)

    assert deleted.status_code == 204
    at_bank = await bank(stack, "/payment/rest/getBindings.do", clientId=user_id_of(me))
    assert [b["maskedPan"] for b in at_bank["bindings"]] == ["411111******1111"]
    assert [c["id"] for c in (await http.get(f"{V1}/cards", headers=me.headers)).json()] == [visa["id"]]
    refused = await http.post(
        f"{V1}/payments",
        json={"account_id": account_id, "amount": "10.00", "card_id": challenged["id"]},
        headers={**me.headers, "Idempotency-Key": "after-delete-" + challenged["id"]},
    )
    assert (refused.status_code, refused.json()["code"]) == (404, "card_not_found")
    assert "Сохраненная карта не найдена" in refused.json()["detail"]


async def test_another_subscriber_can_neither_list_use_nor_delete_a_card(
    http: httpx.AsyncClient, stack: Stack, browser: Browser
) -> None:
    owner, account_id = await payer(http, stack)
    card = await save_card(http, browser, owner, account_id, VISA)
    stranger, strangers_account = await payer(http, stack)
    await start_payment(http, stranger, strangers_account, random_amount())  # payments knows their link

    assert (await http.get(f"{V1}/cards", headers=stranger.headers)).json() == []
    used = await http.post(
        f"{V1}/payments",
        json={"account_id": strangers_account, "amount": "10.00", "card_id": card["id"]},
        headers={**stranger.headers, "Idempotency-Key": "stranger-" + card["id"]},
    )
    assert (used.status_code, used.json()["code"]) == (404, "card_not_found")
    deleted = await http.delete(f"{V1}/cards/{card['id']}", headers=stranger.headers)
    assert (deleted.status_code, deleted.json()["code"]) == (404, "card_not_found")
    assert [c["id"] for c in (await http.get(f"{V1}/cards", headers=owner.headers)).json()] == [card["id"]]


async def test_an_sbp_qr_is_paid_by_the_bank_app_and_settled_by_the_callback(
    http: httpx.AsyncClient, stack: Stack, payments_db: asyncpg.Pool
) -> None:
    me, account_id = await payer(http, stack)
    started = await start_payment(http, me, account_id, random_amount(), method="sbp")
    assert (started["method"], started["confirmation_url"]) == ("sbp", None)
    assert started["sbp"]["payload"].startswith("https://qr.nspk.ru/")
    assert started["sbp"]["qr_svg"].startswith("<svg")

    await bank(stack, f"/emulator/sbp/{started['sbp']['qr_id']}/pay")

    async def by_callback() -> bool:
        status = await payments_db.fetchval("SELECT status FROM payments WHERE id = $1::uuid", started["id"])
        return bool(status == "succeeded")

    # Read from the database, not through GET /payments/{id}, which would ask the bank itself.
    await eventually(by_callback, "the callback settled the SBP payment")
    result = await settled(http, me, started["id"])
    assert (result["method"], result["card"]) == ("sbp", None)
    await registered_by_billing(payments_db, started["id"])


async def test_with_callbacks_lost_the_poller_settles_an_sbp_payment(
    http: httpx.AsyncClient, stack: Stack, payments_db: asyncpg.Pool
) -> None:
    me, account_id = await payer(http, stack)
    started = await start_payment(http, me, account_id, random_amount(), method="sbp")
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as client:
        assert (await client.put("/emulator/settings", json={"callbacks": "off"})).status_code == 200
    try:
        await bank(stack, f"/emulator/sbp/{started['sbp']['qr_id']}/pay")

        async def by_poller() -> bool:
            row = await payments_db.fetchrow(
                "SELECT status, check_attempts FROM payments WHERE id = $1::uuid", started["id"]
            )
            return bool(row["status"] == "succeeded" and row["check_attempts"] > 0)

        await eventually(by_poller, "the poller settled the SBP payment")
    finally:
        async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as client:
            await client.put("/emulator/settings", json={"callbacks": "on"})


async def test_an_unpaid_sbp_qr_expires_with_the_banks_session(http: httpx.AsyncClient, stack: Stack) -> None:
    me, account_id = await payer(http, stack)
    started = await start_payment(http, me, account_id, random_amount(), method="sbp")

    await bank(stack, "/emulator/clock", advance_seconds=SESSION_TIMEOUT_S + 60)

    result = await settled(http, me, started["id"])
    assert (result["status"], result["failure_reason"], result["method"]) == ("expired", "expired", "sbp")
