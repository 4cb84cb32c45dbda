"""Baskets: several of the payer's accounts paid by one bank order (docs/contract.md §2
"payments"): one order whose receipt lists each account, one payment and one event per account
with the basket's id, each account's history showing its part; refusals before anything is
created (sizes, amounts, another's account: 404 naming its line)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx

from lka_acquirer_emulator.testing import Browser, RunningEmulator, card_form
from lka_common.events.accounts import AccountLinked
from lka_common.events.envelope import CloudEvent
from lka_payments.service_layer import access

VISA, DECLINED = "4111 1111 1111 1111", "4000 0000 0000 0002"


async def link(uow_factory: Any, user_id: uuid.UUID) -> tuple[uuid.UUID, str]:
    """Another account linked to the user (as accounts' event would): its id and number."""
    account_id, number = uuid.uuid4(), str(uuid.uuid4().int % 10**10)
    linked = AccountLinked(
        user_id=user_id, account_id=account_id, region_code="yalta", account_number=number, linked_via="surname"
    )
    async with uow_factory() as uow:
        await access.account_linked(uow, linked, CloudEvent(id="-", source="/lka/accounts", type="-"))
        await uow.commit()
    return account_id, number


async def post_basket(api: httpx.AsyncClient, who: Any, items: list[dict[str, str]], **extra: Any) -> httpx.Response:
    headers = {**who.headers, "Idempotency-Key": extra.pop("key", uuid.uuid4().hex)}
    return await api.post("/payments/basket", json={"items": items, **extra}, headers=headers)


async def three_accounts(payer: Any, uow_factory: Any) -> tuple[Any, list[tuple[uuid.UUID, str]]]:
    me = await payer()
    accounts = [(me.account_id, me.account_number)]
    accounts += [await link(uow_factory, me.user_id) for _ in range(2)]
    return me, accounts


async def settled(api: httpx.AsyncClient, who: Any, basket_id: str, eventually: Any) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        response = await api.get(f"/payments/baskets/{basket_id}", headers=who.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if body["status"] != "pending" else None

    result: dict[str, Any] = await eventually(done)
    return result


async def test_a_basket_is_one_order_and_a_payment_an_event_and_a_history_line_per_account(
    api: httpx.AsyncClient,
    payer: Any,
    uow_factory: Any,
    browser: Browser,
    emulator: RunningEmulator,
    outbox: Any,
    eventually: Any,
) -> None:
    me, accounts = await three_accounts(payer, uow_factory)
    amounts = ["100.00", "250.50", "0.99"]
    items = [{"account_id": str(a), "amount": amount} for (a, _), amount in zip(accounts, amounts, strict=True)]

    response = await post_basket(api, me, items)

    assert response.status_code == 201, response.text
    basket = response.json()
    assert (basket["status"], basket["amount"], basket["method"], basket["sbp"]) == ("pending", "351.49", "card", None)
    assert [(i["account_id"], i["amount"]) for i in basket["items"]] == [(i["account_id"], i["amount"]) for i in items]
    md_order = urlsplit(basket["confirmation_url"]).query.removeprefix("mdOrder=")
    order = emulator.gateway.store.get(md_order)
    assert order is not None and order.amount == 35149 and order.order_number == uuid.UUID(basket["id"]).hex
    assert order.bundle is not None
    bundle_items = order.bundle["cartItems"]["items"]
    assert [(i["name"], i["itemAmount"]) for i in bundle_items] == [
        (f"Оплата электроэнергии, л/с № {number}", kopecks)
        for (_, number), kopecks in zip(accounts, [10000, 25050, 99], strict=True)
    ]

    visit = await browser.pay(basket["confirmation_url"], card_form(VISA))
    assert urlsplit(visit.final_url).path == f"/payments/baskets/{basket['id']}/result"
    result = await settled(api, me, basket["id"], eventually)

    assert (result["status"], result["message"]) == ("succeeded", "Оплата прошла успешно")
    assert result["card"]["brand"] == "visa"
    assert {i["status"] for i in result["items"]} == {"succeeded"}
    events = await outbox("payments.payment.succeeded.v1", basket_id=basket["id"])
    assert sorted((e["account_id"], e["amount_kopecks"]) for e in events) == sorted(
        (str(a), k) for (a, _), k in zip(accounts, [10000, 25050, 99], strict=True)
    )
    assert {e["acquirer_order_id"] for e in events} == {md_order}
    (letter,) = await outbox("notifications.letter.send.v1", to=me.email)
    assert letter["params"]["amount"] == "351.49"
    for (account_id, _), part in zip(accounts, result["items"], strict=True):
        history = (await api.get(f"/accounts/{account_id}/payments", headers=me.headers)).json()
        assert [(h["id"], h["amount"], h["status"]) for h in history] == [
            (part["payment_id"], part["amount"], "succeeded")
        ]
        single = (await api.get(f"/payments/{part['payment_id']}", headers=me.headers)).json()
        assert (single["status"], single["account_id"]) == ("succeeded", str(account_id))


async def test_a_declined_basket_fails_every_part_and_a_replay_answers_the_same_basket(
    api: httpx.AsyncClient, payer: Any, uow_factory: Any, browser: Browser, outbox: Any, eventually: Any
) -> None:
    me, accounts = await three_accounts(payer, uow_factory)
    items = [{"account_id": str(a), "amount": "10.00"} for a, _ in accounts[:2]]
    key = "basket-key-1-" + me.user_id.hex
    first = await post_basket(api, me, items, key=key)
    again = await post_basket(api, me, items, key=key)
    other = await post_basket(api, me, [items[0], items[1] | {"amount": "11.00"}], key=key)

    assert (again.status_code, again.json()) == (201, first.json())
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    await browser.pay(first.json()["confirmation_url"], card_form(DECLINED))
    result = await settled(api, me, first.json()["id"], eventually)
    assert (result["status"], result["failure_reason"]) == ("failed", "declined_by_issuer")
    failed = await outbox("payments.payment.failed.v1", basket_id=first.json()["id"])
    assert len(failed) == 2


async def test_an_sbp_basket_has_one_qr_code_for_the_sum(api: httpx.AsyncClient, payer: Any, uow_factory: Any) -> None:
    me, accounts = await three_accounts(payer, uow_factory)
    items = [{"account_id": str(a), "amount": "10.00"} for a, _ in accounts]
    response = await post_basket(api, me, items, method="sbp")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["confirmation_url"], body["amount"]) == (None, "30.00")
    assert "sum=3000" in body["sbp"]["payload"]


async def test_refusals_create_nothing(api: httpx.AsyncClient, payer: Any, uow_factory: Any, db: Any) -> None:
    me, accounts = await three_accounts(payer, uow_factory)
    stranger = await payer()
    line = [{"account_id": str(a), "amount": "10.00"} for a, _ in accounts]
    eleven = line + [{"account_id": str(uuid.uuid4()), "amount": "1.00"} for _ in range(8)]

    cases = {
        "one": (line[:1], 422),
        "eleven": (eleven, 422),
        "twice": ([line[0], line[0]], 422),
        "zero": ([line[0], line[1] | {"amount": "0.00"}], 422),
        "negative": ([line[0], line[1] | {"amount": "-5.00"}], 422),
        "stranger's": ([line[0], {"account_id": str(stranger.account_id), "amount": "1.00"}], 404),
    }
    for name, (items, status) in cases.items():
        response = await post_basket(api, me, items)
        assert response.status_code == status, (name, response.text)
        problem = response.json()
        assert any("а" <= ch <= "я" for ch in problem["detail"].lower()), (name, problem)
    refused = await post_basket(api, me, cases["stranger's"][0])
    assert refused.json()["errors"] == [
        {"field": "items.1.account_id", "message": "Счет в строке 2 корзины не найден среди Ваших счетов"}
    ]
    one = await post_basket(api, me, line[:1])
    assert one.json()["errors"][0] == {"field": "items", "message": "В корзине должно быть от 2 до 10 счетов"}
    assert await db.fetchval("SELECT count(*) FROM baskets WHERE user_id = $1", me.user_id) == 0
    assert await db.fetchval("SELECT count(*) FROM payments WHERE user_id = $1", me.user_id) == 0


async def test_another_subscribers_basket_is_404(api: httpx.AsyncClient, payer: Any, uow_factory: Any) -> None:
    me, accounts = await three_accounts(payer, uow_factory)
    items = [{"account_id": str(a), "amount": "10.00"} for a, _ in accounts[:2]]
    basket = (await post_basket(api, me, items)).json()
    stranger = await payer()
    response = await api.get(f"/payments/baskets/{basket['id']}", headers=stranger.headers)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    unknown = await api.get(f"/payments/baskets/{uuid.uuid4()}", headers=me.headers)
    assert unknown.status_code == 404
