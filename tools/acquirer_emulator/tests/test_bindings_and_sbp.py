"""Bindings (`clientId`, `getBindings.do`, `unBindCard.do`, `paymentOrderBinding.do` with and
without 3-D Secure) and SBP dynamic QR codes (`sbp/c2b/qr/dynamic/get.do`, the bank app's control
call, expiry with the order's session)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from lka_acquirer_emulator.testing import Browser, RunningEmulator, card_form

VISA, CHALLENGED = "4111 1111 1111 1111", "4000 0000 0000 3063"
RIGHT_OTP = {"otp": "123456"}


async def saved(register: Any, browser: Browser, rbs: Any, client: str, pan: str, *steps: dict[str, str]) -> str:
    """Pay an order registered for `client` on the card page; its binding's id."""
    order = await register(clientId=client)
    await browser.pay(order["formUrl"], card_form(pan), *steps)
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert status["orderStatus"] == 2, status
    binding_id: str = status["bindingInfo"]["bindingId"]
    assert status["bindingInfo"]["clientId"] == client
    return binding_id


async def test_a_paid_order_with_client_id_leaves_a_binding_listed_by_get_bindings(
    register: Any, browser: Browser, rbs: Any
) -> None:
    client = uuid.uuid4().hex
    binding_id = await saved(register, browser, rbs, client, VISA)

    answer = await rbs("getBindings.do", clientId=client)

    (binding,) = answer["bindings"]
    assert binding["bindingId"] == binding_id
    assert (binding["maskedPan"], binding["expiryDate"], binding["paymentSystem"]) == (
        "411111******1111",
        "203012",
        "VISA",
    )
    # The same card again for the same client: the same binding.
    assert await saved(register, browser, rbs, client, VISA) == binding_id


async def test_no_binding_without_client_id_and_none_for_a_stranger(register: Any, browser: Browser, rbs: Any) -> None:
    order = await register()
    await browser.pay(order["formUrl"], card_form(VISA))
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert "bindingInfo" not in status
    assert (await rbs("getBindings.do", clientId=uuid.uuid4().hex))["errorCode"] == "2"


async def test_paying_with_a_binding_is_frictionless_and_called_back(
    register: Any, browser: Browser, rbs: Any, merchant: Any, eventually: Any
) -> None:
    client = uuid.uuid4().hex
    binding_id = await saved(register, browser, rbs, client, VISA)
    order = await register(amount=4321, clientId=client)

    answer = await rbs("paymentOrderBinding.do", mdOrder=order["orderId"], bindingId=binding_id)

    assert answer["errorCode"] == "0" and "acsUrl" not in answer
    assert parse_qs(urlsplit(answer["redirect"]).query)["orderId"] == [order["orderId"]]
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["amount"], status["paymentWay"]) == (2, 4321, "CARD_BINDING")
    assert status["cardAuthInfo"]["maskedPan"] == "411111******1111"
    (call,) = await eventually(lambda: [c for c in merchant[0].calls if c["mdOrder"] == order["orderId"]])
    assert (call["operation"], call["status"]) == ("deposited", "1")


async def test_the_challenged_card_asks_for_3ds_with_its_binding_too(
    register: Any, browser: Browser, rbs: Any, emulator: RunningEmulator
) -> None:
    client = uuid.uuid4().hex
    binding_id = await saved(register, browser, rbs, client, CHALLENGED, RIGHT_OTP)
    order = await register(clientId=client)

    answer = await rbs("paymentOrderBinding.do", mdOrder=order["orderId"], bindingId=binding_id)

    assert answer["acsUrl"] == f"{emulator.url}/payment/acs/3ds.html"
    assert answer["paReq"] and answer["termUrl"]
    assert (await rbs("getOrderStatusExtended.do", orderId=order["orderId"]))["orderStatus"] == 5
    visit = await browser.pay(answer["redirect"], RIGHT_OTP)
    assert urlsplit(visit.final_url).path == "/ok"
    assert (await rbs("getOrderStatusExtended.do", orderId=order["orderId"]))["orderStatus"] == 2


async def test_a_binding_pays_only_its_clients_orders_and_not_once_unbound(
    register: Any, browser: Browser, rbs: Any
) -> None:
    client = uuid.uuid4().hex
    binding_id = await saved(register, browser, rbs, client, VISA)
    strangers = await register(clientId=uuid.uuid4().hex)
    assert (await rbs("paymentOrderBinding.do", mdOrder=strangers["orderId"], bindingId=binding_id))["errorCode"] == "2"

    assert (await rbs("unBindCard.do", bindingId=binding_id))["errorCode"] == "0"

    assert (await rbs("unBindCard.do", bindingId=binding_id))["errorCode"] == "2"
    assert (await rbs("getBindings.do", clientId=client))["errorCode"] == "2"
    own = await register(clientId=client)
    assert (await rbs("paymentOrderBinding.do", mdOrder=own["orderId"], bindingId=binding_id))["errorCode"] == "2"


async def test_an_sbp_qr_is_paid_by_the_bank_app(
    register: Any, rbs: Any, emulator: RunningEmulator, http: aiohttp.ClientSession, merchant: Any, eventually: Any
) -> None:
    order = await register(amount=150000)

    qr = await rbs("sbp/c2b/qr/dynamic/get.do", mdOrder=order["orderId"], qrHeight=300, qrWidth=300)

    assert (qr["errorCode"], qr["qrStatus"], len(qr["qrId"])) == ("0", "STARTED", 32)
    link = urlsplit(qr["payload"])
    assert (link.scheme, link.netloc, link.path) == ("https", "qr.nspk.ru", f"/{qr['qrId']}")
    assert parse_qs(link.query)["sum"] == ["150000"]
    again = await rbs("sbp/c2b/qr/dynamic/get.do", mdOrder=order["orderId"])
    assert again["qrId"] == qr["qrId"]

    async with http.post(f"{emulator.url}/emulator/sbp/{qr['qrId']}/pay") as response:
        assert response.status == 200

    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["paymentWay"]) == (2, "SBP_C2B")
    assert "cardAuthInfo" not in status
    assert (await rbs("sbp/c2b/qr/status.do", qrId=qr["qrId"]))["qrStatus"] == "ACCEPTED"
    (call,) = await eventually(lambda: [c for c in merchant[0].calls if c["mdOrder"] == order["orderId"]])
    assert (call["operation"], call["status"]) == ("deposited", "1")
    async with http.post(f"{emulator.url}/emulator/sbp/{qr['qrId']}/pay") as response:
        assert response.status == 409


async def test_an_unpaid_qr_expires_with_its_order(
    register: Any, rbs: Any, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    order = await register(sessionTimeoutSecs=60)
    qr = await rbs("sbp/c2b/qr/dynamic/get.do", mdOrder=order["orderId"])

    async with http.post(f"{emulator.url}/emulator/clock", json={"advance_seconds": 61}) as response:
        assert response.status == 200

    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["actionCode"]) == (6, -2007)
    assert (await rbs("sbp/c2b/qr/status.do", qrId=qr["qrId"]))["qrStatus"] == "REJECTED"
    async with http.post(f"{emulator.url}/emulator/sbp/{qr['qrId']}/pay") as response:
        assert response.status == 409
    async with http.post(f"{emulator.url}/emulator/sbp/NOPE/pay") as response:
        assert response.status == 404


async def test_a_binding_told_to_decline_declines_and_an_order_is_found_by_its_number(
    register: Any, browser: Browser, rbs: Any, emulator: RunningEmulator
) -> None:
    client = uuid.uuid4().hex
    binding_id = await saved(register, browser, rbs, client, VISA)
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{emulator.url}/emulator/bindings/{binding_id}", json={"action_code": 116}) as told:
            assert told.status == 200
        async with http.put(f"{emulator.url}/emulator/bindings/{uuid.uuid4()}", json={"action_code": 116}) as unknown:
            assert unknown.status == 404
    order = await register(clientId=client)

    await rbs("paymentOrderBinding.do", mdOrder=order["orderId"], bindingId=binding_id)

    number = (await rbs("getOrderStatusExtended.do", orderId=order["orderId"]))["orderNumber"]
    status = await rbs("getOrderStatusExtended.do", orderNumber=number)
    assert (status["orderStatus"], status["actionCode"]) == (6, 116)
    assert status["attributes"] == [{"name": "mdOrder", "value": order["orderId"]}]


async def test_a_clients_orders_are_listed_oldest_first_and_nobody_elses(
    register: Any, browser: Browser, rbs: Any, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    client = uuid.uuid4().hex
    binding_id = await saved(register, browser, rbs, client, VISA)
    again = await register(amount=777, clientId=client)
    await rbs("paymentOrderBinding.do", mdOrder=again["orderId"], bindingId=binding_id)
    await register(clientId=uuid.uuid4().hex)  # another client's

    async with http.get(f"{emulator.url}/emulator/orders", params={"clientId": client}) as response:
        listed = await response.json()
    async with http.get(f"{emulator.url}/emulator/orders") as unnamed:
        assert unnamed.status == 400

    assert [(o["amount"], o["status"], o["payment_way"]) for o in listed] == [
        (150000, 2, "CARD"),
        (777, 2, "CARD_BINDING"),
    ]
    assert listed[1]["md_order"] == again["orderId"]
