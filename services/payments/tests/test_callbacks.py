"""The acquirer's callback and reconciliation: checksum first, the bank's status as proof,
one transition under concurrent duplicates, polling when callbacks are lost, expiry."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from typing import Any

import aiohttp
import httpx

from lka_acquirer_emulator.testing import Browser, RunningEmulator
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.service_layer.poller import poll_once

VISA = {"pan": "4111111111111111", "expiry": "12/30", "cvc": "123"}
KEY = "change-me-rbs-callback-key"


def signed(params: dict[str, str], key: str = KEY) -> dict[str, str]:
    text = "".join(f"{name};{params[name]};" for name in sorted(params))
    return {**params, "checksum": hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()}


async def paid_silently(
    emulator: RunningEmulator, start: Any, payer: Any, browser: Browser
) -> tuple[Any, dict[str, Any]]:
    """A payment the bank has paid, with no callback sent."""
    emulator.gateway.callbacks.control.mode = "off"
    me = await payer()
    started = await start(me, "250.00")
    await browser.pay(started["confirmation_url"], VISA)
    return me, started


def callback_of(started: dict[str, Any], **overrides: str) -> dict[str, str]:
    md_order = started["confirmation_url"].rsplit("=", 1)[1]
    params = {"mdOrder": md_order, "orderNumber": started["id"].replace("-", ""), "operation": "deposited"}
    return {**params, "status": "1", "amount": "25000", **overrides}


async def test_a_lost_callback_is_recovered_on_read(
    api: httpx.AsyncClient, emulator: RunningEmulator, start: Any, payer: Any, browser: Browser, status_in_db: Any
) -> None:
    me, started = await paid_silently(emulator, start, payer, browser)
    assert await status_in_db(started["id"]) == "pending"
    body = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
    assert (body["status"], body["message"]) == ("succeeded", "Оплата прошла успешно")


async def test_a_lost_callback_is_recovered_by_the_poller(
    db: Any,
    settings: Any,
    uow_factory: Any,
    emulator: RunningEmulator,
    start: Any,
    payer: Any,
    browser: Browser,
    status_in_db: Any,
) -> None:
    _, started = await paid_silently(emulator, start, payer, browser)
    await db.execute("UPDATE payments SET next_check_at = now() WHERE id = $1::uuid", started["id"])
    acquirer = RbsAcquirer(settings)
    await poll_once(uow_factory, acquirer, settings)
    await acquirer.close()
    assert await status_in_db(started["id"]) == "succeeded"
    attempts = await db.fetchval("SELECT check_attempts FROM payments WHERE id = $1::uuid", started["id"])
    assert attempts == 1


async def test_a_forged_checksum_is_400_and_changes_nothing(
    api: httpx.AsyncClient,
    emulator: RunningEmulator,
    start: Any,
    payer: Any,
    browser: Browser,
    status_in_db: Any,
    outbox: Any,
) -> None:
    _, started = await paid_silently(emulator, start, payer, browser)
    forged = signed(callback_of(started), key="not-the-key")
    for answer in (
        await api.get("/payments/acquirer/rbs/callback", params=forged),
        await api.post("/payments/acquirer/rbs/callback", data=forged),
        await api.get("/payments/acquirer/rbs/callback", params=callback_of(started)),
    ):
        assert (answer.status_code, answer.json()["code"]) == (400, "invalid_checksum")
    assert await status_in_db(started["id"]) == "pending"
    assert await outbox("payments.payment.succeeded.v1", payment_id=started["id"]) == []


async def test_the_emulators_bad_checksum_callbacks_are_refused(
    emulator: RunningEmulator, start: Any, payer: Any, browser: Browser, status_in_db: Any
) -> None:
    emulator.gateway.callbacks.control.mode = "bad_checksum"
    me = await payer()
    started = await start(me, "250.00")
    await browser.pay(started["confirmation_url"], VISA)
    order = emulator.gateway.store.get(started["confirmation_url"].rsplit("=", 1)[1])
    assert order is not None
    deadline = asyncio.get_running_loop().time() + 10
    while not order.callbacks and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert order.callbacks[0]["http_status"] == 400
    assert await status_in_db(started["id"]) == "pending"


async def test_ten_concurrent_callbacks_move_the_payment_once(
    api: httpx.AsyncClient,
    emulator: RunningEmulator,
    start: Any,
    payer: Any,
    browser: Browser,
    status_in_db: Any,
    outbox: Any,
) -> None:
    _, started = await paid_silently(emulator, start, payer, browser)
    callback = signed(callback_of(started))
    answers = await asyncio.gather(*(api.post("/payments/acquirer/rbs/callback", data=callback) for _ in range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    assert await status_in_db(started["id"]) == "succeeded"
    assert len(await outbox("payments.payment.succeeded.v1", payment_id=started["id"])) == 1
    assert len(await outbox("notifications.letter.send.v1", params={**(await letter_params(outbox, started))})) == 1


async def letter_params(outbox: Any, started: dict[str, Any]) -> dict[str, Any]:
    md_order = started["confirmation_url"].rsplit("=", 1)[1]
    letters = [d for d in await outbox("notifications.letter.send.v1") if d["params"].get("order_id") == md_order]
    return dict(letters[0]["params"])


async def test_a_callback_before_payment_changes_nothing(
    api: httpx.AsyncClient, start: Any, payer: Any, status_in_db: Any
) -> None:
    me = await payer()
    started = await start(me, "250.00")
    answer = await api.get("/payments/acquirer/rbs/callback", params=signed(callback_of(started)))
    assert answer.status_code == 200
    assert await status_in_db(started["id"]) == "pending"


async def test_an_abandoned_order_expires(
    api: httpx.AsyncClient, emulator: RunningEmulator, start: Any, payer: Any, outbox: Any, eventually: Any
) -> None:
    me = await payer()
    started = await start(me, "250.00")
    clock = f"{emulator.url}/emulator/clock"
    async with aiohttp.ClientSession() as http, http.post(clock, json={"advance_seconds": 1300}) as response:
        assert response.status == 200

    async def expired() -> bool:
        body = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
        return bool(body["status"] == "expired")

    await eventually(expired)
    (event,) = await outbox("payments.payment.failed.v1", payment_id=started["id"])
    assert event["reason"] == "expired"


async def test_a_finished_payment_cannot_be_moved_back(db: Any, start: Any, payer: Any) -> None:
    import asyncpg
    import pytest

    started = await start(await payer(), "1.00")
    await db.execute("UPDATE payments SET status = 'failed' WHERE id = $1::uuid", started["id"])
    with pytest.raises(asyncpg.RaiseError):
        await db.execute("UPDATE payments SET status = 'succeeded' WHERE id = $1::uuid", started["id"])
