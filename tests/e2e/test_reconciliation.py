"""The day's reconciliation end to end (issue 22, "must hold" 2): the whole stack as `make run`
starts it, a day the test prepares with the emulated bank's controls: one payment matched, one
paid at the bank and pending here (the run's own status poll settles it, and says so), one at
the bank only (`missing_here`), one whose amount the bank recorded otherwise (`amount_mismatch`),
one refunded through the portal (matched) and one refunded at the bank behind our back (the
known gap: `status_mismatch` for a person). Each classified right, the totals right, the CSV
equal to the JSON, and a second run the same."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import httpx
import pytest
from operator_support import make_operator
from payments_support import V1, eventually, payer, start_payment

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.money import format_kopecks, parse_kopecks
from lka_common.testing.portal import STAFF_PASSWORD, Subscriber, new_address
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

VISA = "4111 1111 1111 1111"
# The emulator's credentials: the payments service's development placeholders (docs/acquiring.md).
RBS_CREDENTIALS = {"userName": "change-me-rbs-user", "password": "change-me-rbs-password"}


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


def md_order(started: dict[str, Any]) -> str:
    return parse_qs(urlsplit(started["confirmation_url"]).query)["mdOrder"][0]


async def paid(http: httpx.AsyncClient, stack: Stack, me: Subscriber, account_id: str, amount: str) -> dict[str, Any]:
    started = await start_payment(http, me, account_id, amount)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        await Browser(session).pay(started["confirmation_url"], card_form(VISA))

    async def succeeded() -> dict[str, Any] | None:
        body: dict[str, Any] = (await http.get(f"{V1}/payments/{started['id']}", headers=me.headers)).json()
        return body if body["status"] == "succeeded" else None

    await eventually(succeeded, f"payment {started['id']} succeeded")
    return {**started, "md_order": md_order(started)}


async def test_a_prepared_day_is_classified_totalled_and_the_same_when_run_again(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    bank = stack.url(8090)
    operator = await (await make_operator(stack_env[0], new_address(), STAFF_PASSWORD)).sign_in(http)
    me, account_id = await payer(http, stack)

    matched = await paid(http, stack, me, account_id, "101.00")
    mismatched = await paid(http, stack, me, account_id, "102.00")
    refunded_here = await paid(http, stack, me, account_id, "103.00")
    refunded_at_bank = await paid(http, stack, me, account_id, "104.00")
    headers = {**operator, "Idempotency-Key": str(uuid.uuid4())}
    body = {"amount": "30.00", "reason": "Переплата"}
    ours = await http.post(f"{V1}/operator/payments/{refunded_here['id']}/refunds", json=body, headers=headers)
    assert ours.json()["status"] == "succeeded", ours.text
    bank_only_number = uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=bank, timeout=20) as emulator:
        answer = await emulator.put(f"/emulator/orders/{mismatched['md_order']}/amount", json={"amount": 12000})
        assert answer.status_code == 200, answer.text
        form = {**RBS_CREDENTIALS, "orderId": refunded_at_bank["md_order"], "amount": "4000"}
        assert (await emulator.post("/payment/rest/refund.do", data=form)).json()["errorCode"] == "0"
        made = await emulator.post("/emulator/orders", json={"order_number": bank_only_number, "amount": 10500})
        assert made.status_code == 201, made.text
        bank_only = made.json()["mdOrder"]
        # Last, so the poller (first look 10 s after the start) has not found it yet: paid at the
        # bank, no callback, pending here.
        pending = await start_payment(http, me, account_id, "106.00")
        assert (await emulator.post(f"/emulator/orders/{md_order(pending)}/pay", json={})).status_code == 200

    day = datetime.now(ZoneInfo("Europe/Simferopol")).date().isoformat()
    first = await reconcile(http, operator, day, runs_before=0)

    found = {d["acquirer_order_id"]: d for d in first["discrepancies"]}
    assert {k: (d["kind"], d["resolution"]) for k, d in found.items()} == {
        md_order(pending): ("status_mismatch", "resolved_by_status_poll"),
        bank_only: ("missing_here", "needs_review"),
        mismatched["md_order"]: ("amount_mismatch", "needs_review"),
        refunded_at_bank["md_order"]: ("status_mismatch", "needs_review"),
    }
    assert (found[bank_only]["bank_amount"], found[bank_only]["our_amount"]) == ("105.00", None)
    assert (found[mismatched["md_order"]]["bank_amount"], found[mismatched["md_order"]]["our_amount"]) == (
        "120.00",
        "102.00",
    )
    assert (found[refunded_at_bank["md_order"]]["bank_amount"], found[refunded_at_bank["md_order"]]["our_amount"]) == (
        "40.00",
        "0.00",
    )
    assert found[md_order(pending)]["payment_id"] == pending["id"]
    assert matched["md_order"] not in found and refunded_here["md_order"] not in found
    assert first["matched"] == 2  # the plain one, and the one refunded through the portal
    kopecks = parse_kopecks
    bank_total = sum(map(kopecks, ["101.00", "120.00", "103.00", "-30.00", "104.00", "-40.00", "105.00", "106.00"]))
    our_total = sum(map(kopecks, ["101.00", "102.00", "103.00", "-30.00", "104.00", "106.00"]))
    assert (first["bank_total"], first["our_total"]) == (format_kopecks(bank_total), format_kopecks(our_total))
    settled = (await http.get(f"{V1}/payments/{pending['id']}", headers=me.headers)).json()
    assert settled["status"] == "succeeded"
    story = (await http.get(f"{V1}/operator/payments/{pending['id']}", headers=operator)).json()
    assert "reconciliation_resolved" in [line["kind"] for line in story["events"]]

    assert await as_csv(http, operator, day) == [
        {
            "date": day,
            "kind": d["kind"],
            "acquirer_order_id": d["acquirer_order_id"] or "",
            "payment_id": d["payment_id"] or "",
            "bank_amount": d["bank_amount"] or "",
            "our_amount": d["our_amount"] or "",
            "resolution": d["resolution"],
        }
        for d in first["discrepancies"]
    ]

    second = await reconcile(http, operator, day, runs_before=first["runs"])
    result = ("bank_total", "our_total", "matched", "discrepancies")
    assert {k: second[k] for k in result} == {k: first[k] for k in result}


async def reconcile(http: httpx.AsyncClient, staff: dict[str, str], day: str, runs_before: int) -> dict[str, Any]:
    started = await http.post(f"{V1}/operator/reconciliations", json={"date": day}, headers=staff)
    assert started.status_code == 202, started.text

    async def completed() -> dict[str, Any] | None:
        body: dict[str, Any] = (await http.get(f"{V1}/operator/reconciliations/{day}", headers=staff)).json()
        return body if body["status"] == "completed" and body["runs"] > runs_before else None

    done: dict[str, Any] = await eventually(completed, f"the reconciliation of {day}")
    return done


async def as_csv(http: httpx.AsyncClient, staff: dict[str, str], day: str) -> list[dict[str, str]]:
    answer = await http.get(f"{V1}/operator/reconciliations/{day}.csv", headers=staff)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv"), answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))
