"""refund.do as RBS refuses it (5 an amount that is not one, 7 an order not paid or more than
is left), the day's registry (a line per movement of money) and the controls that make the bank
and the merchant disagree."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from lka_acquirer_emulator.testing import Browser, RunningEmulator

VISA = {"pan": "4111 1111 1111 1111", "expiry": "12/30", "cvc": "123"}
TODAY = datetime.now(ZoneInfo("Europe/Moscow")).date().isoformat()


async def registry(http: aiohttp.ClientSession, emulator: RunningEmulator, day: str = TODAY) -> list[dict[str, str]]:
    async with http.get(f"{emulator.url}/emulator/registry/{day}") as response:
        assert response.status == 200 and response.content_type == "text/csv"
        return list(csv.DictReader(io.StringIO(await response.text())))


async def test_partial_refunds_then_the_rest_turn_the_order_refunded(register: Any, rbs: Any, browser: Browser) -> None:
    order = await register(amount=10000)
    await browser.pay(order["formUrl"], VISA)
    assert (await rbs("refund.do", orderId=order["orderId"], amount="12.5"))["errorCode"] == "5"
    assert (await rbs("refund.do", orderId=order["orderId"], amount=3000))["errorCode"] == "0"
    over = await rbs("refund.do", orderId=order["orderId"], amount=7001)
    assert (over["errorCode"], over["errorMessage"]) == ("7", "Сумма возврата превышает сумму списания")
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["paymentAmountInfo"]["refundedAmount"]) == (2, 3000)
    assert (await rbs("refund.do", orderId=order["orderId"], amount=7000))["errorCode"] == "0"
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["paymentAmountInfo"]["refundedAmount"]) == (4, 10000)
    assert (await rbs("refund.do", orderId=order["orderId"], amount=1))["errorCode"] == "7"


async def test_the_registry_lists_each_movement_of_money_on_its_day(
    register: Any, rbs: Any, browser: Browser, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    paid = await register(amount=5000)
    await browser.pay(paid["formUrl"], VISA)
    await rbs("refund.do", orderId=paid["orderId"], amount=1500)
    unpaid = await register(amount=7000)

    lines = [line for line in await registry(http, emulator) if line["order_id"] == paid["orderId"]]

    assert [(line["operation"], line["amount"], line["status"]) for line in lines] == [
        ("deposit", "5000", "2"),
        ("refund", "1500", "2"),
    ]
    assert lines[0]["card_brand"] == "VISA" and lines[0]["masked_pan"] == "411111******1111"
    assert datetime.fromisoformat(lines[0]["time"]).utcoffset() is not None
    assert not [line for line in await registry(http, emulator) if line["order_id"] == unpaid["orderId"]]
    assert [line for line in await registry(http, emulator, "2001-01-01")] == []


async def test_the_controls_make_the_bank_and_the_merchant_disagree(
    register: Any, rbs: Any, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    silent = await register(amount=4000)
    async with http.post(f"{emulator.url}/emulator/orders/{silent['orderId']}/pay", json={}) as response:
        assert response.status == 200
    status = await rbs("getOrderStatusExtended.do", orderId=silent["orderId"])
    assert (status["orderStatus"], status["cardAuthInfo"]["paymentSystem"]) == (2, "VISA")
    async with http.get(f"{emulator.url}/emulator/orders/{silent['orderId']}") as response:
        assert (await response.json())["callbacks"] == []  # paid without telling the merchant

    async with http.put(f"{emulator.url}/emulator/orders/{silent['orderId']}/amount", json={"amount": 4100}) as put:
        assert put.status == 200
    assert (await rbs("getOrderStatusExtended.do", orderId=silent["orderId"]))["amount"] == 4100

    async with http.post(
        f"{emulator.url}/emulator/orders", json={"order_number": "bank-only-1", "amount": 900}
    ) as made:
        assert made.status == 201
        md_order = (await made.json())["mdOrder"]
    assert (await rbs("getOrderStatusExtended.do", orderId=md_order))["orderStatus"] == 2
    numbers = {line["order_number"] for line in await registry(http, emulator)}
    assert {"bank-only-1"} <= numbers

    async with http.post(f"{emulator.url}/emulator/orders/{silent['orderId']}/pay", json={}) as again:
        assert again.status == 409
