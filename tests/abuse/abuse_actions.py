"""What the abuse suite's users do through the gateway to make real objects (link, pay, save_card, …).

Link an account, pay on the emulated bank's card page (keeping the card), set an autopay, start
a basket, publish a bill as billing would, file an appeal with a file, submit a reading; as the
operator, refund and reconcile. A call another service must first hear of a link for is tried again
until it has.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
from abuse_actors import Actor, Secrets, checked
from abuse_support import V1

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.events.billing import BillingBillIssued, BillLine
from lka_common.scheduler.clock import LOCAL_TIME
from lka_common.testing import events
from lka_common.testing.files import small_pdf
from lka_common.testing.stack import Stack

# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=30, interval=0.3)


def run_card(prefix: str) -> str:
    """A Luhn-valid card number of this run's own (the emulator pays any valid Visa and
    Mastercard). Not the well-known test cards: the fuzzer writes digit strings such as
    "41111111111…" into paths, which the leak scan then took for the Visa test card."""
    body = prefix + "".join(str(secrets.randbelow(10)) for _ in range(15 - len(prefix)))
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def masked(pan: str) -> str:
    """The card number as payments shows and stores it."""
    return f"{pan[:6]}******{pan[-4:]}"


async def link(http: httpx.AsyncClient, actor: Actor, account: tuple[str, str, str], status: int) -> dict[str, Any]:
    region, number, letters = account
    body = {"region_code": region, "number": number, "surname_prefix": letters}
    answer: dict[str, Any] = checked(await http.post(f"{V1}/accounts", json=body, headers=actor.headers), status)
    return answer


async def start_payment(
    http: httpx.AsyncClient, actor: Actor, account_id: str, amount: str, **way: Any
) -> dict[str, Any]:
    """`POST /payments` (`way`: method, save_card, card_id), again with the same key until
    payments has heard of the link."""
    headers = {**actor.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"account_id": account_id, "amount": amount, **way}

    async def probe() -> dict[str, Any] | None:
        response = await http.post(f"{V1}/payments", json=body, headers=headers)
        if response.status_code == 404:
            return None
        started: dict[str, Any] = checked(response, 201)
        return started

    return await eventually(probe, "payments knows the linked account")


async def pay(http: httpx.AsyncClient, vault: Secrets, actor: Actor, started: dict[str, Any], pan: str) -> None:
    """Through the emulated bank's card page (no JavaScript), then until the payment settles."""
    card = card_form(vault.add("card number", pan))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        visit = await Browser(session).pay(started["confirmation_url"], card)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result", visit.final_url

    async def settled() -> dict[str, Any] | None:
        body: dict[str, Any] = checked(await http.get(f"{V1}/payments/{started['id']}", headers=actor.headers), 200)
        return body if body["status"] != "pending" else None

    result = await eventually(settled, f"payment {started['id']} settled")
    assert result["status"] == "succeeded", result


async def saved_card(http: httpx.AsyncClient, actor: Actor, pan: str) -> str:
    """The id of the card `GET /cards` lists for this number (kept by the bank on its page)."""
    cards = checked(await http.get(f"{V1}/cards", headers=actor.headers), 200)
    (card,) = [c for c in cards if c["pan_masked"] == masked(pan)]
    return str(card["id"])


async def save_card(
    http: httpx.AsyncClient, vault: Secrets, actor: Actor, account_id: str, amount: str, pan: str
) -> tuple[str, str]:
    """(payment id, card id): a payment on the bank's card page asking it to keep the card."""
    started = await start_payment(http, actor, account_id, amount, save_card=True)
    await pay(http, vault, actor, started, pan)
    return str(started["id"]), await saved_card(http, actor, pan)


async def set_autopay(http: httpx.AsyncClient, actor: Actor, account_id: str, card_id: str) -> None:
    """On a day two weeks off, so neither its letter nor its payment comes during the run."""
    day = (datetime.now(LOCAL_TIME).day + 13) % 28 + 1
    body = {"card_id": card_id, "day_of_month": day, "max_amount": "1500.00"}
    checked(await http.put(f"{V1}/accounts/{account_id}/autopay", json=body, headers=actor.headers), 200)


async def start_basket(http: httpx.AsyncClient, actor: Actor, account_ids: list[str]) -> str:
    """A basket of these accounts (left on the bank's card page), again with the same key
    until payments has heard of every link."""
    headers = {**actor.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"items": [{"account_id": account, "amount": "10.00"} for account in account_ids], "method": "card"}

    async def probe() -> str | None:
        response = await http.post(f"{V1}/payments/basket", json=body, headers=headers)
        return None if response.status_code == 404 else str(checked(response, 201)["id"])

    return await eventually(probe, "payments knows every account of the basket")


async def publish_bill(
    http: httpx.AsyncClient, stack: Stack, actor: Actor, account_id: str, demo_account: tuple[str, str, str]
) -> str:
    """A bill for the actor's linked demo account (`account_id`, and its region, number and
    letters), published on `lka.events` as billing would; its id once accounts lists it."""
    region, number, _ = demo_account
    bill_id = f"ABUSE-{uuid.uuid4().hex[:12]}"
    line = BillLine(title="Электроэнергия", zone="T1", quantity_kwh=127, price_kopecks=649, amount_kopecks=82423)
    bill = BillingBillIssued(
        bill_id=bill_id,
        region_code=region,
        account_number=number,
        period="2026-11",
        issued_at=datetime.now(UTC),
        opening_balance_kopecks=152340,
        lines=[line],
        payments_kopecks=120000,
        penalty_kopecks=0,
        total_due_kopecks=114763,
        due_date=date(2026, 12, 10),
    )
    await events.publish_event(stack.amqp_url, bill)

    async def listed() -> bool:
        bills = checked(await http.get(f"{V1}/accounts/{account_id}/bills", headers=actor.headers), 200)
        return bill_id in [b["id"] for b in bills]

    await eventually(listed, f"bill {bill_id} listed")
    return bill_id


async def file_appeal(http: httpx.AsyncClient, actor: Actor, account_id: str | None = None) -> tuple[str, str]:
    """(appeal id, attachment id): an appeal with a PDF, multipart as the cabinet's form sends it."""
    fields = {"topic": "accounts", "text": "Проверка доступа к обращению"}
    if account_id:
        fields["account_id"] = account_id
    files = [("attachments", ("квитанция.pdf", small_pdf(), "application/pdf"))]

    async def probe() -> str | None:
        response = await http.post(f"{V1}/appeals", data=fields, files=files, headers=actor.headers)
        return None if response.status_code == 404 else str(checked(response, 201)["id"])

    appeal_id = await eventually(probe, "notifications knows the linked account")
    detail = checked(await http.get(f"{V1}/appeals/{appeal_id}", headers=actor.headers), 200)
    return appeal_id, str(detail["messages"][0]["attachments"][0]["id"])


async def operator_objects(http: httpx.AsyncClient, operator: Actor, payment_id: str) -> tuple[str, str]:
    """(refund id, day): the operator refunds one rouble of a payment and reconciles yesterday."""
    headers = {**operator.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"amount": "1.00", "reason": "Проверка доступа"}
    refund = checked(await http.post(f"{V1}/operator/payments/{payment_id}/refunds", json=body, headers=headers), 201)
    day = (datetime.now(LOCAL_TIME).date() - timedelta(days=1)).isoformat()
    checked(await http.post(f"{V1}/operator/reconciliations", json={"date": day}, headers=operator.headers), 202)
    return str(refund["id"]), day


async def submit_reading(http: httpx.AsyncClient, actor: Actor, account_id: str) -> tuple[str, str]:
    """(meter id, reading id): one more kWh than the meter's last reading."""

    async def meters() -> list[dict[str, Any]] | None:
        found: list[dict[str, Any]] = checked(
            await http.get(f"{V1}/accounts/{account_id}/meters", headers=actor.headers), 200, 404
        )
        return found or None

    meter = (await eventually(meters, "readings knows the linked account's meters"))[0]
    last = meter["last_reading"]["values"] if meter["last_reading"] else {}
    values = {zone: float(last.get(zone, 0)) + 1 for zone in meter["zones"]}
    body = {"meter_id": meter["id"], "values": values}
    reading = checked(await http.post(f"{V1}/accounts/{account_id}/readings", json=body, headers=actor.headers), 201)
    return str(meter["id"]), str(reading["id"])
