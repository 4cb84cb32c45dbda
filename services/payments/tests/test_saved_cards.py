"""Saved cards (bindings): a card kept when the payer asks (`save_card`), listed by `GET /cards`,
paid with by `card_id` (frictionless, or through the issuer's 3-D Secure challenge), deleted
(unbound at the bank too), and only ever its owner's."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from lka_acquirer_emulator.testing import Browser, RunningEmulator, card_form

VISA, CHALLENGED = "4111 1111 1111 1111", "4000 0000 0000 3063"
RIGHT_OTP = {"otp": "123456"}


async def post_payment(api: httpx.AsyncClient, who: Any, key: str | None = None, **body: Any) -> httpx.Response:
    headers = {**who.headers, "Idempotency-Key": key or uuid.uuid4().hex}
    return await api.post(
        "/payments", json={"account_id": str(who.account_id), "amount": "100.00", **body}, headers=headers
    )


async def settled(api: httpx.AsyncClient, who: Any, payment_id: str, eventually: Any) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(f"/payments/{payment_id}", headers=who.headers)).json()
        return body if body["status"] != "pending" else None

    result: dict[str, Any] = await eventually(done)
    return result


async def saved_card(
    api: httpx.AsyncClient, who: Any, browser: Browser, eventually: Any, pan: str, *steps: dict[str, str]
) -> dict[str, Any]:
    """Pay once on the card page asking to save the card; the card as `GET /cards` lists it."""
    started = await post_payment(api, who, save_card=True)
    assert started.status_code == 201, started.text
    await browser.pay(started.json()["confirmation_url"], card_form(pan), *steps)
    assert (await settled(api, who, started.json()["id"], eventually))["status"] == "succeeded"
    listed = (await api.get("/cards", headers=who.headers)).json()
    digits = pan.replace(" ", "")
    (card,) = [c for c in listed if c["pan_masked"] == f"{digits[:6]}******{digits[-4:]}"]
    return dict(card)


async def test_a_saved_card_is_listed_as_the_bank_returned_it(
    api: httpx.AsyncClient, payer: Any, browser: Browser, eventually: Any, emulator: RunningEmulator
) -> None:
    me = await payer()
    assert (await api.get("/cards", headers=me.headers)).json() == []

    card = await saved_card(api, me, browser, eventually, VISA)

    assert (card["brand"], card["pan_masked"], card["expiry"]) == ("visa", "411111******1111", "12/30")
    assert set(card) == {"id", "brand", "pan_masked", "expiry", "created_at"}
    (binding,) = emulator.gateway.bindings.of_client(str(me.user_id))
    assert binding.masked_pan == card["pan_masked"]


async def test_a_payment_without_save_card_keeps_nothing(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any, emulator: RunningEmulator
) -> None:
    me = await payer()
    started = await start(me)
    await browser.pay(started["confirmation_url"], card_form(VISA))
    await settled(api, me, started["id"], eventually)
    assert (await api.get("/cards", headers=me.headers)).json() == []
    assert emulator.gateway.bindings.of_client(str(me.user_id)) == []


async def test_paying_with_a_saved_card_is_decided_at_once(
    api: httpx.AsyncClient, payer: Any, browser: Browser, eventually: Any, outbox: Any
) -> None:
    me = await payer()
    card = await saved_card(api, me, browser, eventually, VISA)

    response = await post_payment(api, me, card_id=card["id"], amount="321.00")

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["method"], body["confirmation_url"], body["sbp"]) == ("succeeded", "card", None, None)
    payment = (await api.get(f"/payments/{body['id']}", headers=me.headers)).json()
    assert (payment["card"], payment["method"]) == ({"brand": "visa", "pan_masked": "411111******1111"}, "card")
    (event,) = await outbox("payments.payment.succeeded.v1", payment_id=body["id"])
    assert (event["method"], event["card_brand"], event["amount_kopecks"]) == ("card", "visa", 32100)
    # Paying with it again does not save it twice.
    assert len((await api.get("/cards", headers=me.headers)).json()) == 1


async def test_a_saved_card_the_issuer_challenges_goes_through_3ds(
    api: httpx.AsyncClient, payer: Any, browser: Browser, eventually: Any, emulator: RunningEmulator
) -> None:
    me = await payer()
    card = await saved_card(api, me, browser, eventually, CHALLENGED, RIGHT_OTP)
    assert card["brand"] == "visa"

    body = (await post_payment(api, me, card_id=card["id"])).json()

    assert body["status"] == "pending"
    challenge = urlsplit(body["confirmation_url"])
    assert (f"{challenge.scheme}://{challenge.netloc}", challenge.path) == (emulator.url, "/payment/acs/3ds.html")
    visit = await browser.pay(body["confirmation_url"], RIGHT_OTP)
    assert urlsplit(visit.final_url).path == f"/payments/{body['id']}/result"
    assert (await settled(api, me, body["id"], eventually))["status"] == "succeeded"


async def test_a_deleted_card_is_unbound_and_cannot_pay(
    api: httpx.AsyncClient, payer: Any, browser: Browser, eventually: Any, emulator: RunningEmulator
) -> None:
    me = await payer()
    card = await saved_card(api, me, browser, eventually, VISA)

    deleted = await api.delete(f"/cards/{card['id']}", headers=me.headers)

    assert deleted.status_code == 204
    assert emulator.gateway.bindings.of_client(str(me.user_id)) == []
    assert (await api.get("/cards", headers=me.headers)).json() == []
    refused = await post_payment(api, me, card_id=card["id"])
    assert (refused.status_code, refused.json()["code"]) == (404, "card_not_found")
    assert "карта не найдена" in refused.json()["detail"]
    again = await api.delete(f"/cards/{card['id']}", headers=me.headers)
    assert (again.status_code, again.json()["code"]) == (404, "card_not_found")


async def test_a_card_unbound_at_the_bank_leaves_the_list(
    api: httpx.AsyncClient, payer: Any, browser: Browser, eventually: Any, emulator: RunningEmulator
) -> None:
    me = await payer()
    await saved_card(api, me, browser, eventually, VISA)
    for binding in emulator.gateway.bindings.of_client(str(me.user_id)):
        binding.active = False  # lapsed, or unbound by the bank's staff

    assert (await api.get("/cards", headers=me.headers)).json() == []


async def test_another_subscriber_can_neither_list_use_nor_delete_a_card(
    api: httpx.AsyncClient, payer: Any, browser: Browser, eventually: Any
) -> None:
    owner, stranger = await payer(), await payer()
    card = await saved_card(api, owner, browser, eventually, VISA)

    assert (await api.get("/cards", headers=stranger.headers)).json() == []
    used = await post_payment(api, stranger, card_id=card["id"])
    assert (used.status_code, used.json()["code"]) == (404, "card_not_found")
    deleted = await api.delete(f"/cards/{card['id']}", headers=stranger.headers)
    assert (deleted.status_code, deleted.json()["code"]) == (404, "card_not_found")
    assert [c["id"] for c in (await api.get("/cards", headers=owner.headers)).json()] == [card["id"]]


@pytest.mark.parametrize(
    "body",
    [{"method": "sbp", "save_card": True}, {"method": "sbp", "card_id": str(uuid.uuid4())}, {"method": "cash"}],
    ids=["sbp-save", "sbp-card", "unknown-method"],
)
async def test_contradictory_ways_to_pay_are_422(api: httpx.AsyncClient, payer: Any, body: dict[str, Any]) -> None:
    response = await post_payment(api, await payer(), **body)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


async def test_save_card_with_card_id_is_422(api: httpx.AsyncClient, payer: Any) -> None:
    response = await post_payment(api, await payer(), save_card=True, card_id=str(uuid.uuid4()))
    assert response.status_code == 422
    assert "save_card" in response.json()["detail"] or response.json()["errors"]


async def test_the_key_covers_how_to_pay(api: httpx.AsyncClient, payer: Any) -> None:
    me, key = await payer(), uuid.uuid4().hex
    first = await post_payment(api, me, key, save_card=True)
    replay = await post_payment(api, me, key, save_card=True)
    other = await post_payment(api, me, key)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


@pytest.mark.parametrize("role", ["operator", "supervisor"])
async def test_staff_have_no_cards(api: httpx.AsyncClient, tokens: Any, role: str) -> None:
    staff = {"Authorization": f"Bearer {tokens.issue(uuid.uuid4(), role=role)}"}
    listed = await api.get("/cards", headers=staff)
    deleted = await api.delete(f"/cards/{uuid.uuid4()}", headers=staff)
    assert [listed.status_code, deleted.status_code] == [403, 403]
    assert listed.json()["code"] == "staff_not_allowed"
