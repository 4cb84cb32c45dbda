"""Paying through the bank's pages as a browser without JavaScript: fetch the form, post it,
follow redirects back to our result page; then the outcome, its event and the receipt letter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from lka_acquirer_emulator.testing import Browser, card_form

RIGHT_OTP = {"otp": "123456"}


async def settled(api: httpx.AsyncClient, payer: Any, payment_id: str, eventually: Any) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(f"/payments/{payment_id}", headers=payer.headers)).json()
        return body if body["status"] != "pending" else None

    result: dict[str, Any] = await eventually(done)
    return result


@pytest.mark.parametrize(
    ("pan", "steps", "brand", "masked"),
    [
        ("4111 1111 1111 1111", [], "visa", "411111******1111"),
        ("2200 0000 0000 0004", [RIGHT_OTP], "mir", "220000******0004"),
        ("5555 5555 5555 4444", [], "mastercard", "555555******4444"),
    ],
)
async def test_a_card_payment_succeeds_once_with_one_receipt(
    api: httpx.AsyncClient,
    payer: Any,
    start: Any,
    browser: Browser,
    outbox: Any,
    eventually: Any,
    pan: str,
    steps: list[dict[str, str]],
    brand: str,
    masked: str,
) -> None:
    me = await payer()
    started = await start(me, "1523.40")
    visit = await browser.pay(started["confirmation_url"], card_form(pan), *steps)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result"

    result = await settled(api, me, started["id"], eventually)
    assert (result["status"], result["message"]) == ("succeeded", "Оплата прошла успешно")
    assert result["card"] == {"brand": brand, "pan_masked": masked}
    assert result["paid_at"] and result["failure_reason"] is None

    (event,) = await eventually(lambda: outbox("payments.payment.succeeded.v1", payment_id=started["id"]))
    assert (event["amount_kopecks"], event["card_brand"], event["account_number"]) == (152340, brand, me.account_number)
    (letter,) = await outbox("notifications.letter.send.v1", to=me.email)
    assert letter["template"] == "payment_receipt"
    assert letter["params"]["amount"] == "1523.40" and masked in letter["params"]["card"]
    assert set(letter["params"]) == {"account_number", "amount", "card", "paid_at", "order_id"}


@pytest.mark.parametrize(
    ("pan", "steps", "reason"),
    [
        ("2200 0000 0000 0004", [{"otp": "654321"}], "authentication_failed"),
        ("2200 0000 0000 0012", [RIGHT_OTP], "insufficient_funds"),
        ("4000 0000 0000 0002", [], "declined_by_issuer"),
        ("5300 0000 0000 0006", [], "processing_timeout"),
    ],
)
async def test_a_declined_card_fails_with_its_reason(
    api: httpx.AsyncClient,
    payer: Any,
    start: Any,
    browser: Browser,
    outbox: Any,
    eventually: Any,
    pan: str,
    steps: list[dict[str, str]],
    reason: str,
) -> None:
    me = await payer()
    started = await start(me, "99.99")
    visit = await browser.pay(started["confirmation_url"], card_form(pan), *steps)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result"

    result = await settled(api, me, started["id"], eventually)
    assert (result["status"], result["failure_reason"]) == ("failed", reason)
    assert result["message"] != "Оплата прошла успешно"
    (event,) = await eventually(lambda: outbox("payments.payment.failed.v1", payment_id=started["id"]))
    assert (event["reason"], event["amount_kopecks"]) == (reason, 9999)
    assert await outbox("payments.payment.succeeded.v1", payment_id=started["id"]) == []
    assert await outbox("notifications.letter.send.v1", to=me.email) == []


async def test_someone_elses_payment_is_404(api: httpx.AsyncClient, payer: Any, start: Any) -> None:
    me, other = await payer(), await payer()
    started = await start(me)
    assert (await api.get(f"/payments/{started['id']}", headers=other.headers)).status_code == 404
