"""Signed callbacks and the `/emulator/` control endpoints."""

from __future__ import annotations

from typing import Any

import aiohttp

from lka_acquirer_emulator.checksum import checksum
from lka_acquirer_emulator.testing import Browser, RunningEmulator

VISA = {"pan": "4111111111111111", "expiry": "12/30", "cvc": "123"}
KEY = "callback-test-key"


async def put_settings(http: aiohttp.ClientSession, emulator: RunningEmulator, **body: Any) -> int:
    async with http.put(f"{emulator.url}/emulator/settings", json=body) as response:
        return response.status


async def test_a_paid_order_is_called_back_signed(
    register: Any, browser: Browser, merchant: Any, eventually: Any
) -> None:
    calls = merchant[0].calls
    order = await register(amount=1500)
    await browser.pay(order["formUrl"], VISA)
    (call,) = await eventually(lambda: [c for c in calls if c["mdOrder"] == order["orderId"]])
    assert (call["operation"], call["status"], call["amount"]) == ("deposited", "1", "1500")
    assert call["checksum"] == checksum(call, KEY)


async def test_a_declined_order_is_called_back_with_status_0(
    register: Any, browser: Browser, merchant: Any, eventually: Any
) -> None:
    order = await register()
    await browser.pay(order["formUrl"], {**VISA, "pan": "4000000000000002"})
    (call,) = await eventually(lambda: [c for c in merchant[0].calls if c["mdOrder"] == order["orderId"]])
    assert (call["operation"], call["status"]) == ("deposited", "0")


async def test_callbacks_are_retried_until_answered_200(
    register: Any, browser: Browser, merchant: Any, emulator: RunningEmulator, eventually: Any
) -> None:
    merchant[0].answer = 500
    order = await register()
    await browser.pay(order["formUrl"], VISA)
    recorded = emulator.gateway.store.get(order["orderId"])
    assert recorded is not None
    await eventually(lambda: len(recorded.callbacks) >= 2)
    merchant[0].answer = 200
    await eventually(lambda: recorded.callbacks[-1]["http_status"] == 200)
    assert [c["http_status"] for c in recorded.callbacks[:2]] == [500, 500]


async def test_callback_modes_off_duplicate_and_bad_checksum(
    register: Any,
    browser: Browser,
    merchant: Any,
    emulator: RunningEmulator,
    http: aiohttp.ClientSession,
    eventually: Any,
) -> None:
    calls = merchant[0].calls

    def of(order: dict[str, Any]) -> list[dict[str, str]]:
        return [c for c in calls if c["mdOrder"] == order["orderId"]]

    assert await put_settings(http, emulator, callbacks="off") == 200
    silent = await register()
    await browser.pay(silent["formUrl"], VISA)

    assert await put_settings(http, emulator, callbacks="duplicate", delay_ms=50) == 200
    twice = await register()
    await browser.pay(twice["formUrl"], VISA)
    await eventually(lambda: len(of(twice)) == 2)

    assert await put_settings(http, emulator, callbacks="bad_checksum", delay_ms=0) == 200
    forged = await register()
    await browser.pay(forged["formUrl"], VISA)
    call = (await eventually(lambda: of(forged)))[0]
    assert call["checksum"] != checksum(call, KEY)
    assert of(silent) == []

    assert await put_settings(http, emulator, callbacks="on") == 200
    async with http.post(f"{emulator.url}/emulator/orders/{silent['orderId']}/callback") as response:
        assert response.status == 202
    resent = (await eventually(lambda: of(silent)))[0]
    assert resent["checksum"] == checksum(resent, KEY)


async def test_settings_refuse_unknown_modes(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    assert await put_settings(http, emulator, callbacks="sometimes") == 400
    assert await put_settings(http, emulator, delay_ms=-1) == 400


async def test_advancing_the_clock_expires_unpaid_orders(
    register: Any, rbs: Any, merchant: Any, emulator: RunningEmulator, http: aiohttp.ClientSession, eventually: Any
) -> None:
    order = await register(sessionTimeoutSecs=60)
    async with http.post(f"{emulator.url}/emulator/clock", json={"advance_seconds": 61}) as response:
        assert response.status == 200
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    assert (status["orderStatus"], status["actionCode"]) == (6, -2007)
    call = (await eventually(lambda: [c for c in merchant[0].calls if c["mdOrder"] == order["orderId"]]))[0]
    assert (call["operation"], call["status"]) == ("declinedByTimeout", "0")
    async with http.get(order["formUrl"]) as response:
        assert response.status == 410


async def test_unknown_orders_are_404_on_control_endpoints(
    emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{emulator.url}/emulator/orders/nope") as response:
        assert response.status == 404
