"""The hosted card page and MirAccept, driven as a browser without JavaScript would."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from lka_acquirer_emulator.testing import Browser, RunningEmulator, card_form

# The cardholder left blank, as the manual allows, unless a test fills it in.
card = partial(card_form, cardholder="")

RIGHT_OTP = {"otp": "123456"}


async def status_of(rbs: Any, order: dict[str, Any]) -> tuple[int, int]:
    status = await rbs("getOrderStatusExtended.do", orderId=order["orderId"])
    return status["orderStatus"], status["actionCode"]


async def test_the_card_page_is_a_plain_form(register: Any, http: aiohttp.ClientSession) -> None:
    order = await register(amount=152340)
    async with http.get(order["formUrl"]) as response:
        page = await response.text()
    assert response.status == 200
    assert "<script" not in page
    assert all(f'name="{name}"' in page for name in ("pan", "expiry", "cvc", "cardholder"))
    assert "1523.40" in page


@pytest.mark.parametrize("pan", ["4111 1111 1111 1111", "5555 5555 5555 4444"])
async def test_visa_and_mastercard_are_paid_without_a_challenge(
    register: Any, rbs: Any, browser: Browser, merchant: Any, pan: str
) -> None:
    order = await register()
    visit = await browser.pay(order["formUrl"], card(pan, cardholder="IVAN IVANOV"))
    url = urlsplit(visit.final_url)
    assert (url.path, parse_qs(url.query)) == ("/ok", {"orderId": [order["orderId"]], "lang": ["ru"]})
    assert await status_of(rbs, order) == (2, 0)


async def test_mir_with_the_right_code_is_paid(register: Any, rbs: Any, browser: Browser) -> None:
    order = await register()
    visit = await browser.pay(order["formUrl"], card("2200 0000 0000 0004"), RIGHT_OTP)
    assert urlsplit(visit.final_url).path == "/ok"
    assert await status_of(rbs, order) == (2, 0)


async def test_mir_waits_for_the_challenge(register: Any, rbs: Any, browser: Browser) -> None:
    order = await register()
    visit = await browser.pay(order["formUrl"], card("2200 0000 0000 0004"))
    assert "MirAccept" in visit.page and 'name="otp"' in visit.page
    assert await status_of(rbs, order) == (5, 0)


async def test_mir_with_a_wrong_code_is_declined_at_once(register: Any, rbs: Any, browser: Browser) -> None:
    order = await register()
    visit = await browser.pay(order["formUrl"], card("2200 0000 0000 0004"), {"otp": "000000"})
    assert urlsplit(visit.final_url).path == "/fail"
    assert await status_of(rbs, order) == (6, 151017)


@pytest.mark.parametrize(
    ("pan", "steps", "action_code"),
    [
        ("2200 0000 0000 0012", [RIGHT_OTP], 116),
        ("4000 0000 0000 0002", [], 5),
        ("5300 0000 0000 0006", [], 151018),
    ],
)
async def test_declining_test_cards_go_to_the_fail_url(
    register: Any, rbs: Any, browser: Browser, pan: str, steps: list[dict[str, str]], action_code: int
) -> None:
    order = await register()
    visit = await browser.pay(order["formUrl"], card(pan), *steps)
    assert urlsplit(visit.final_url).path == "/fail"
    assert await status_of(rbs, order) == (6, action_code)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (card("4111 1111 1111 1112"), "Неверный номер карты"),
        (card("4111 1111 1111 1111", expiry="01/20"), "Срок действия карты истек"),
        (card("4111 1111 1111 1111", expiry="2030-12"), "ММ/ГГ"),
        (card("3530 1113 3330 0000"), "не принимаются"),
    ],
)
async def test_a_bad_card_is_shown_again_with_a_russian_error(
    register: Any, rbs: Any, browser: Browser, fields: dict[str, str], message: str
) -> None:
    order = await register()
    visit = await browser.pay(order["formUrl"], fields)
    assert visit.status == 200 and message in visit.page and 'name="pan"' in visit.page
    assert fields["pan"] not in visit.page and fields["pan"].replace(" ", "") not in visit.page
    assert await status_of(rbs, order) == (0, 0)


async def test_a_paid_order_cannot_be_paid_again(register: Any, browser: Browser, http: aiohttp.ClientSession) -> None:
    order = await register()
    await browser.pay(order["formUrl"], card("4111 1111 1111 1111"))
    async with http.get(order["formUrl"]) as response:
        assert response.status == 410


async def test_the_emulator_keeps_only_the_masked_number(
    register: Any, browser: Browser, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    order = await register()
    await browser.pay(order["formUrl"], card("2200 0000 0000 0004", cardholder="Ivan Ivanov"), RIGHT_OTP)
    async with http.get(f"{emulator.url}/emulator/orders/{order['orderId']}") as response:
        recorded = await response.text()
    assert "220000******0004" in recorded
    assert "2200000000000004" not in recorded and "2200 0000 0000 0004" not in recorded
    assert '"cvc"' not in recorded
