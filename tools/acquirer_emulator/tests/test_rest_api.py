"""The RBS REST API: credentials, error codes, status, reverse and refund."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from lka_acquirer_emulator.testing import Browser, RunningEmulator

VISA = {"pan": "4111 1111 1111 1111", "expiry": "12/30", "cvc": "123"}


async def test_register_answers_the_order_id_and_the_card_page(register: Any, emulator: RunningEmulator) -> None:
    answer = await register()
    assert "errorCode" not in answer
    assert answer["formUrl"] == f"{emulator.url}/payment/merchants/lka/payment_ru.html?mdOrder={answer['orderId']}"


async def test_wrong_credentials_are_error_5(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    form = {"userName": "merchant-test", "password": "wrong", "orderNumber": "1", "amount": "100", "returnUrl": "x"}
    async with http.post(f"{emulator.url}/payment/rest/register.do", data=form) as response:
        assert (response.status, (await response.json())["errorCode"]) == (200, "5")
    async with http.post(f"{emulator.url}/payment/rest/getOrderStatusExtended.do", data={"orderId": "x"}) as response:
        assert (await response.json())["errorCode"] == "5"


async def test_an_order_number_is_used_once(register: Any) -> None:
    first = await register(orderNumber="n-dup-1")
    assert "orderId" in first
    assert (await register(orderNumber="n-dup-1"))["errorCode"] == "1"


async def test_bad_amounts_and_numbers_are_refused(register: Any) -> None:
    assert (await register(amount="12.50"))["errorCode"] == "4"
    assert (await register(amount=0))["errorCode"] == "4"
    assert (await register(orderNumber="x" * 33))["errorCode"] == "4"


async def test_an_unknown_order_is_error_6(rbs: Any) -> None:
    assert (await rbs("getOrderStatusExtended.do", orderId="00000000-0000-0000-0000-000000000000"))["errorCode"] == "6"


async def test_a_new_order_is_registered_with_its_bundle_recorded(
    register: Any, rbs: Any, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    bundle = {"customerDetails": {"email": "payer@example.ru"}, "cartItems": {"items": []}}
    order_id = (await register(amount=12345, orderBundle=json.dumps(bundle)))["orderId"]
    status = await rbs("getOrderStatusExtended.do", orderId=order_id)
    assert (status["errorCode"], status["orderStatus"], status["amount"]) == ("0", 0, 12345)
    async with http.get(f"{emulator.url}/emulator/orders/{order_id}") as response:
        assert (await response.json())["orderBundle"] == bundle


async def test_a_paid_order_reports_the_masked_card(register: Any, rbs: Any, browser: Browser) -> None:
    order = await register(amount=5000)
    await browser.pay(order["formUrl"], VISA)
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["actionCode"], status["amount"]) == (2, 0, 5000)
    card = status["cardAuthInfo"]
    assert (card["maskedPan"], card["paymentSystem"], card["expiration"]) == ("411111******1111", "VISA", "203012")
    assert len(card["approvalCode"]) == 6


async def test_reverse_and_refund_follow_the_order_state(register: Any, rbs: Any, browser: Browser) -> None:
    unpaid = await register()
    assert (await rbs("reverse.do", orderId=unpaid["orderId"]))["errorCode"] == "7"
    assert (await rbs("refund.do", orderId=unpaid["orderId"], amount=0))["errorCode"] == "7"

    reversed_one = await register()
    await browser.pay(reversed_one["formUrl"], VISA)
    assert (await rbs("reverse.do", orderId=reversed_one["orderId"]))["errorCode"] == "0"
    assert (await rbs("getOrderStatusExtended.do", orderId=reversed_one["orderId"]))["orderStatus"] == 3

    refunded = await register(amount=10000)
    await browser.pay(refunded["formUrl"], VISA)
    assert (await rbs("refund.do", orderId=refunded["orderId"], amount=4000))["errorCode"] == "0"
    assert (await rbs("refund.do", orderId=refunded["orderId"], amount=7000))["errorCode"] == "7"
    assert (await rbs("refund.do", orderId=refunded["orderId"], amount=0))["errorCode"] == "0"
    status = await rbs("getOrderStatusExtended.do", orderId=refunded["orderId"])
    assert (status["orderStatus"], status["paymentAmountInfo"]["refundedAmount"]) == (4, 10000)
