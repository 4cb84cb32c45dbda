"""SAQ A: after payments with every test card, no full card number is in the payments
database, in the emulator's record, or in any log line captured meanwhile."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import httpx
import pytest

from lka_acquirer_emulator.cards import ALWAYS_CHALLENGED, TEST_CARDS
from lka_acquirer_emulator.testing import Browser, RunningEmulator

OTHER_MIR = "2200000000000020"


async def test_no_full_card_number_is_kept_anywhere(
    api: httpx.AsyncClient,
    payer: Any,
    start: Any,
    browser: Browser,
    db: asyncpg.Pool,
    emulator: RunningEmulator,
    eventually: Any,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    me = await payer()
    pans = [*TEST_CARDS, OTHER_MIR]
    for pan in pans:
        started = await start(me, "12.34")
        # A bad expiry first (the page shows an error), then the card as it should be.
        await browser.pay(started["confirmation_url"], {"pan": pan, "expiry": "01/20", "cvc": "123"})
        steps = [{"otp": "123456"}] if pan.startswith("2200") or pan in ALWAYS_CHALLENGED else []
        await browser.pay(started["confirmation_url"], {"pan": pan, "expiry": "12/30", "cvc": "123"}, *steps)

        async def settled(payment_id: str = started["id"]) -> bool:
            body = (await api.get(f"/payments/{payment_id}", headers=me.headers)).json()
            return bool(body["status"] != "pending")

        await eventually(settled)

    dump = ""
    for row in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
        dump += str(await db.fetch(f'SELECT t::text FROM "{row["tablename"]}" t'))
    recorded = str(vars(emulator.gateway.store)) + str(vars(emulator.gateway.bindings))
    out, err = capfd.readouterr()
    for pan in pans:
        for place, text in (("database", dump), ("emulator", recorded), ("logs", caplog.text + out + err)):
            assert pan not in text, f"a full card number in the {place}"
    assert "******" in dump  # the masked numbers are there, so the scan read real rows
