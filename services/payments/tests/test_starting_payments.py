"""`POST /payments`: the idempotency rules, the amount's rules, and who may pay which account."""

from __future__ import annotations

import json
import uuid
from typing import Any

import aiohttp
import httpx
import pytest

from lka_acquirer_emulator.testing import RunningEmulator


async def post(api: httpx.AsyncClient, payer: Any, body: dict[str, Any], key: str | None) -> httpx.Response:
    headers = dict(payer.headers) | ({"Idempotency-Key": key} if key else {})
    return await api.post("/payments", json=body, headers=headers)


async def test_a_payment_starts_pending_with_the_card_page(
    api: httpx.AsyncClient, payer: Any, emulator: RunningEmulator
) -> None:
    me = await payer()
    response = await post(api, me, {"account_id": str(me.account_id), "amount": "1523.4"}, "k-1")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["amount"]) == ("pending", "1523.40")
    assert body["confirmation_url"].startswith(f"{emulator.url}/payment/merchants/lka/payment_ru.html?mdOrder=")


async def test_the_same_key_and_body_give_the_same_payment(api: httpx.AsyncClient, payer: Any) -> None:
    me = await payer()
    body = {"account_id": str(me.account_id), "amount": "100.00"}
    first, again = await post(api, me, body, "same-key"), await post(api, me, {**body, "amount": "100"}, "same-key")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()


async def test_the_same_key_with_another_body_is_422(api: httpx.AsyncClient, payer: Any) -> None:
    me = await payer()
    assert (await post(api, me, {"account_id": str(me.account_id), "amount": "100.00"}, "key-r")).status_code == 201
    reused = await post(api, me, {"account_id": str(me.account_id), "amount": "100.01"}, "key-r")
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")


async def test_concurrent_requests_with_one_key_register_one_order(api: httpx.AsyncClient, payer: Any) -> None:
    import asyncio

    me = await payer()
    body = {"account_id": str(me.account_id), "amount": "10.00"}
    answers = await asyncio.gather(*(post(api, me, body, "key-c") for _ in range(5)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1


async def test_another_users_key_is_theirs_alone(api: httpx.AsyncClient, payer: Any) -> None:
    me, other = await payer(), await payer()
    first = await post(api, me, {"account_id": str(me.account_id), "amount": "5.00"}, "shared")
    second = await post(api, other, {"account_id": str(other.account_id), "amount": "6.00"}, "shared")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


async def test_no_key_is_400(api: httpx.AsyncClient, payer: Any) -> None:
    me = await payer()
    response = await post(api, me, {"account_id": str(me.account_id), "amount": "5.00"}, None)
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_required")


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", "1.234", "abc", 100, "500000.01"])
async def test_a_bad_amount_is_422(api: httpx.AsyncClient, payer: Any, amount: Any) -> None:
    me = await payer()
    response = await post(api, me, {"account_id": str(me.account_id), "amount": amount}, uuid.uuid4().hex)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


async def test_an_account_not_linked_to_the_caller_is_404(api: httpx.AsyncClient, payer: Any) -> None:
    me, other = await payer(), await payer()
    response = await post(api, me, {"account_id": str(other.account_id), "amount": "5.00"}, uuid.uuid4().hex)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("role", ["operator", "supervisor"])
async def test_a_staff_token_cannot_pay_and_nothing_is_stored(
    api: httpx.AsyncClient, payer: Any, tokens: Any, db: Any, role: str
) -> None:
    # Staff are not subscribers (docs/contract.md §4), even for an account linked to them before.
    me = await payer()
    staff = {"Authorization": f"Bearer {tokens.issue(me.user_id, email=me.email, role=role)}"}
    body = {"account_id": str(me.account_id), "amount": "5.00"}

    response = await api.post("/payments", json=body, headers={**staff, "Idempotency-Key": uuid.uuid4().hex})
    keyless = await api.post("/payments", json=body, headers=staff)

    assert (response.status_code, response.json()["code"]) == (403, "staff_not_allowed")
    assert (keyless.status_code, keyless.json()["code"]) == (403, "staff_not_allowed")
    assert response.headers["content-type"] == "application/problem+json"
    assert await db.fetchval("SELECT count(*) FROM payments WHERE user_id = $1", me.user_id) == 0
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE body LIKE $1", f"%{me.account_id}%") == 0


async def test_without_a_token_it_is_401(api: httpx.AsyncClient) -> None:
    body = {"account_id": str(uuid.uuid4()), "amount": "5.00"}
    assert (await api.post("/payments", json=body, headers={"Idempotency-Key": "x"})).status_code == 401


async def test_the_order_carries_the_54fz_receipt_of_the_payer(
    start: Any, payer: Any, emulator: RunningEmulator, settings: Any
) -> None:
    me = await payer()
    started = await start(me, "1523.40")
    md_order = started["confirmation_url"].rsplit("=", 1)[1]
    async with aiohttp.ClientSession() as http, http.get(f"{emulator.url}/emulator/orders/{md_order}") as response:
        order = await response.json()
    bundle = order["orderBundle"]
    assert bundle["customerDetails"]["email"] == me.email
    (item,) = bundle["cartItems"]["items"]
    assert item["itemAmount"] == item["itemPrice"] * item["quantity"]["value"] == order["amount"] == 152340
    assert item["name"] == f"Оплата электроэнергии, л/с № {me.account_number}"
    assert order["order_number"] == uuid.UUID(started["id"]).hex
    assert order["return_url"] == f"{settings.public_base_url}/payments/{started['id']}/result"
    assert order["callback_url"] == f"{settings.public_base_url}/api/v1/payments/acquirer/rbs/callback"
    assert order["session_timeout_s"] == settings.rbs_session_timeout_s
    assert json.dumps(bundle)  # a plain JSON document as the bank recorded it
