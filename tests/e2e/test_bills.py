"""Bills end to end, through the gateway (issue 23, "must hold" 2 and 3): a bill published as
billing would is listed, its PDF downloads with the account number, the total and the due date as
text, and its payment QR code, decoded from the rendered page as a phone's camera would, is the
exact ГОСТ Р 56042-2014 text; with paperless on the next bill arrives as a letter with the PDF
attached, with it off none does, and each switch reaches `lka.events`."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from billing_support import ADDRESS, REGION, SURNAME, V1, bill, household, new_number, publish
from pypdf import PdfReader

from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.amqp import declare_test_queue, drain
from lka_common.testing.events import eventually
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

PAPERLESS_CHANGED = "accounts.paperless.changed.v1"


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


def expected_qr_text(number: str) -> str:
    """What the bill's QR code must say: the supplier's demo requisites (accounts' settings, as the
    stack runs them), this account and the bill's total in kopecks."""
    return (
        "ST00012|Name=ГУП РК «Крымэнерго»|PersonalAcc=40602810741000000001|BankName=РНКБ Банк (ПАО)"
        "|BIC=043510607|CorrespAcc=30101810335100000607|PayeeINN=9102057281|KPP=910201001"
        f"|persAcc={number}|Sum=130801|Purpose=Оплата электроэнергии за 11.2026, л/с {number}"
        f"|lastName={SURNAME}|payerAddress={ADDRESS}"
    )


def qr_codes_on(pdf: bytes, folder: Path) -> list[str]:
    """The QR codes of the PDF's first page, rendered at 300 dpi and read by zbarimg."""
    (folder / "bill.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "bill.pdf", "page"], cwd=folder, check=True)
    (page,) = folder.glob("page*.png")
    found = subprocess.run(["zbarimg", "--raw", "-q", str(page)], capture_output=True, check=True)
    return found.stdout.decode().splitlines()


async def bills_of(http: httpx.AsyncClient, home: Any) -> list[dict[str, Any]]:
    answer = await http.get(f"{V1}/accounts/{home.account_id}/bills", headers=home.me.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def test_a_bill_is_listed_and_its_pdf_has_the_figures_as_text_and_the_payment_qr_code(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int], tmp_path: Path
) -> None:
    number = new_number()
    home = await household(http, stack, stack_env, number)

    await publish(stack, bill(number, "2026-11"))

    (listed,) = await eventually(lambda: bills_of(http, home), "the bill listed", timeout=30, interval=0.3)
    assert (listed["id"], listed["period"], listed["total_due"], listed["due_date"]) == (
        f"E2E-{number}-2026-11",
        "2026-11",
        "1308.01",
        "2026-12-10",
    )
    pdf = await http.get(listed["pdf_url"], headers=home.me.headers)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert f"Лицевой счет № {number}" in text
    assert "Итого к оплате 1 308,01 руб." in text
    assert "Оплатить до 10.12.2026" in text
    assert qr_codes_on(pdf.content, tmp_path) == [expected_qr_text(number)]
    stranger = (await household(http, stack, stack_env, new_number())).me
    assert (await http.get(listed["pdf_url"], headers=stranger.headers)).status_code == 404


async def test_paperless_on_sends_the_next_bill_with_its_pdf_and_off_sends_none(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    listener = f"tests.paperless_{uuid.uuid4().hex[:8]}"
    await declare_test_queue(stack.amqp_url, listener, [(EVENTS_EXCHANGE, PAPERLESS_CHANGED)])
    number = new_number()
    home = await household(http, stack, stack_env, number)
    switch = f"{V1}/accounts/{home.account_id}/paperless"

    on = await http.put(switch, json={"enabled": True}, headers=home.me.headers)
    await publish(stack, bill(number, "2026-11"))
    letter = await eventually(
        lambda: letter_to(http, stack, home.me.email, number), "the bill's letter", timeout=30, interval=0.3
    )
    off = await http.put(switch, json={"enabled": False}, headers=home.me.headers)
    await publish(stack, bill(number, "2026-12"))
    await eventually(lambda: bills_count(http, home, 2), "the second bill listed", timeout=30, interval=0.3)

    assert (on.status_code, on.json()["enabled"]) == (200, True), on.text
    assert (off.status_code, off.json()["enabled"]) == (200, False), off.text
    assert letter["subject"] == f"Квитанция за ноябрь 2026 г. по лицевому счету № {number}"
    (attached,) = letter["attachments"]
    assert (attached["filename"], attached["content_type"]) == (f"kvitanciya-{number}-2026-11.pdf", "application/pdf")
    pdf = base64.b64decode(attached["content_base64"])
    assert f"Лицевой счет № {number}" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # The letter of the first bill went out after the second was stored: had the second one
    # sent a letter, it would be on its way by now; none comes within a few seconds more.
    with pytest.raises(AssertionError):
        await eventually(lambda: december_letter(http, stack, home.me.email), "no December letter", timeout=5)
    heard = [json.loads(message.body) for message in await drain(stack.amqp_url, listener)]
    assert [(event["type"], event["data"]["enabled"]) for event in heard] == [
        (PAPERLESS_CHANGED, True),
        (PAPERLESS_CHANGED, False),
    ]
    assert {event["data"]["account_number"] for event in heard} == {number}
    assert {event["data"]["region_code"] for event in heard} == {REGION}
    assert {event["data"]["account_id"] for event in heard} == {home.account_id}


async def letter_to(http: httpx.AsyncClient, stack: Stack, to: str, number: str) -> dict[str, Any] | None:
    for message in (await http.get(f"{stack.mail}/api/messages")).json():
        if to in message["to"] and message["subject"].startswith("Квитанция за ноябрь"):
            return message  # type: ignore[no-any-return]
    return None


async def december_letter(http: httpx.AsyncClient, stack: Stack, to: str) -> bool:
    messages = (await http.get(f"{stack.mail}/api/messages")).json()
    return any(to in m["to"] and m["subject"].startswith("Квитанция за декабрь") for m in messages)


async def bills_count(http: httpx.AsyncClient, home: Any, count: int) -> bool:
    return len(await bills_of(http, home)) == count
