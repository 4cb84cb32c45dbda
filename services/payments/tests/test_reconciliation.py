"""The day's reconciliation against the emulated bank's registry: each kind of disagreement
classified, a payment paid at the bank and pending here settled by the run's own poll (and said
so), the totals, the CSV equal to the JSON, and a second run the same."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from lka_acquirer_emulator.testing import Browser, RunningEmulator, card_form
from lka_common.testing.tokens import TokenFactory


async def test_a_day_is_reconciled_and_a_second_run_is_the_same(
    api: httpx.AsyncClient,
    payer: Any,
    start: Any,
    browser: Browser,
    eventually: Any,
    tokens: TokenFactory,
    emulator: RunningEmulator,
    db: asyncpg.Pool,
    outbox: Any,
) -> None:
    staff = {"Authorization": f"Bearer {tokens.issue(uuid.uuid4(), role='operator', email=None)}"}
    emulator.gateway.callbacks.control.mode = "off"  # the bank tells nobody: only polls learn
    try:
        me = await payer()
        matched = await start(me, "10.00")
        await browser.pay(matched["confirmation_url"], card_form("4111 1111 1111 1111"))
        await api.get(f"/payments/{matched['id']}", headers=me.headers)  # settled on read
        silent = await start(me, "20.00")
        silent_order = emulator.gateway.store.get(await order_of(db, silent["id"]))
        emulator.gateway.store.get(silent_order.md_order)
        silent_order.finish(0, emulator.gateway.clock.now())
        silent_order.masked_pan = "411111******1111"
        other = await start(me, "30.00")
        await browser.pay(other["confirmation_url"], card_form("4111 1111 1111 1111"))
        await api.get(f"/payments/{other['id']}", headers=me.headers)
        emulator.gateway.store.get(await order_of(db, other["id"])).amount = 3100
    finally:
        emulator.gateway.callbacks.control.mode = "on"
    day = datetime.now(ZoneInfo("Europe/Simferopol")).date().isoformat()

    async def finished() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(f"/operator/reconciliations/{day}", headers=staff)).json()
        return body if body["status"] == "completed" else None

    started = await api.post("/operator/reconciliations", json={"date": day}, headers=staff)
    assert started.status_code == 202, started.text
    first = await eventually(finished)
    by_order = {d["acquirer_order_id"]: d for d in first["discrepancies"]}
    assert by_order[silent_order.md_order]["kind"] == "status_mismatch"
    assert by_order[silent_order.md_order]["resolution"] == "resolved_by_status_poll"
    other_order = await order_of(db, other["id"])
    assert (by_order[other_order]["kind"], by_order[other_order]["bank_amount"]) == ("amount_mismatch", "31.00")
    assert await order_of(db, matched["id"]) not in by_order
    assert (await api.get(f"/payments/{silent['id']}", headers=me.headers)).json()["status"] == "succeeded"
    assert await outbox("payments.reconciliation.completed.v1", date=day)

    csv_answer = await api.get(f"/operator/reconciliations/{day}.csv", headers=staff)
    assert csv_answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_answer.text)))
    assert [(r["kind"], r["acquirer_order_id"], r["resolution"]) for r in rows] == [
        (d["kind"], d["acquirer_order_id"], d["resolution"]) for d in first["discrepancies"]
    ]

    again = await api.post("/operator/reconciliations", json={"date": day}, headers=staff)
    assert again.status_code == 202

    async def second_run() -> dict[str, Any] | None:
        body = await finished()
        return body if body and body["runs"] == first["runs"] + 1 else None

    second = await eventually(second_run)
    same = ("bank_total", "our_total", "matched", "discrepancies")
    assert {k: second[k] for k in same} == {k: first[k] for k in same}


async def order_of(db: asyncpg.Pool, payment_id: str) -> str:
    order: str = await db.fetchval("SELECT acquirer_order_id FROM payments WHERE id = $1", uuid.UUID(payment_id))
    return order
