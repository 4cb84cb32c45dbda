"""The mail catcher end to end: real SMTP in, real HTTP out, on free ports."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiohttp
import aiosmtplib
import pytest

from lka_mailcatcher.catcher import MailCatcher

HOST = "127.0.0.1"
SENDER = "ЛКА Энергосбыт <noreply@lka.example>"


@pytest.fixture
async def catcher() -> AsyncIterator[MailCatcher]:
    # Port 0: the catcher of `make run` may hold 1025/8025 while the tests run.
    async with MailCatcher(max_messages=1000) as started:
        await started.start(HOST, 0, 0)
        yield started


def letter(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


async def send(catcher: MailCatcher, message: EmailMessage, recipients: list[str] | None = None) -> None:
    await aiosmtplib.send(message, hostname=HOST, port=catcher.smtp_port, recipients=recipients, timeout=5)


async def http(catcher: MailCatcher, method: str, path: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"http://{HOST}:{catcher.http_port}{path}") as response,
    ):
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def listed(catcher: MailCatcher) -> list[dict[str, Any]]:
    status, body = await http(catcher, "GET", "/api/messages")
    assert status == 200
    assert isinstance(body, list)
    return body


async def test_letter_sent_over_smtp_is_listed_with_decoded_russian_subject(catcher: MailCatcher) -> None:
    await send(
        catcher,
        letter(
            "abonent@example.ru",
            "Подтверждение адреса электронной почты",
            "Здравствуйте! Ваш код подтверждения: 123456.",
            "<p>Здравствуйте! Ваш код подтверждения: <b>123456</b>.</p>",
        ),
    )

    [caught] = await listed(catcher)

    assert caught["subject"] == "Подтверждение адреса электронной почты"
    assert caught["from"] == SENDER
    assert caught["to"] == ["abonent@example.ru"]
    assert caught["text"] == "Здравствуйте! Ваш код подтверждения: 123456.\n"
    assert caught["html"] == "<p>Здравствуйте! Ваш код подтверждения: <b>123456</b>.</p>\n"
    assert caught["id"]
    received_at = datetime.fromisoformat(caught["received_at"])
    assert received_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - received_at) < timedelta(minutes=1)


async def test_two_letters_are_listed_newest_first(catcher: MailCatcher) -> None:
    await send(catcher, letter("first@example.ru", "Первое письмо", "Текст первого письма"))
    await send(catcher, letter("second@example.ru", "Второе письмо", "Текст второго письма"))

    caught = await listed(catcher)

    assert [item["subject"] for item in caught] == ["Второе письмо", "Первое письмо"]
    assert [item["to"] for item in caught] == [["second@example.ru"], ["first@example.ru"]]
    assert caught[0]["id"] != caught[1]["id"]


async def test_delete_empties_the_mailbox(catcher: MailCatcher) -> None:
    await send(catcher, letter("abonent@example.ru", "Счёт за октябрь", "Сумма к оплате: 1 234,56 ₽"))
    assert len(await listed(catcher)) == 1

    status, _ = await http(catcher, "DELETE", "/api/messages")

    assert status == 204
    assert await listed(catcher) == []


async def test_plain_letter_has_null_html(catcher: MailCatcher) -> None:
    await send(catcher, letter("abonent@example.ru", "Показания приняты", "Показания счётчика приняты."))

    [caught] = await listed(catcher)

    assert caught["text"] == "Показания счётчика приняты.\n"
    assert caught["html"] is None


async def test_the_headers_are_listed_as_sent_for_a_test_to_act_on(catcher: MailCatcher) -> None:
    message = letter("abonent@example.ru", "Показания до 25.12.2026", "Передайте показания.")
    message["List-Unsubscribe"] = "<https://lka.example/api/v1/public/unsubscribe?token=abc>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    await send(catcher, message)

    [caught] = await listed(catcher)

    headers = dict(caught["headers"])
    assert headers["List-Unsubscribe"] == "<https://lka.example/api/v1/public/unsubscribe?token=abc>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Subject"] == "Показания до 25.12.2026"  # decoded, as `subject` is


async def test_an_attachment_is_listed_with_its_name_type_and_content(catcher: MailCatcher) -> None:
    message = letter("abonent@example.ru", "Квитанция за ноябрь", "Квитанция во вложении.", "<p>Квитанция</p>")
    pdf = b"%PDF-1.4 a bill"
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="bill-2026-11.pdf")
    await send(catcher, message)

    [caught] = await listed(catcher)

    assert caught["text"] == "Квитанция во вложении.\n"
    (attached,) = caught["attachments"]
    assert attached == {
        "filename": "bill-2026-11.pdf",
        "content_type": "application/pdf",
        "size": len(pdf),
        "content_base64": base64.b64encode(pdf).decode(),
    }
    assert (await listed(catcher))[0]["attachments"] and not await _plain_has_attachments(catcher)


async def _plain_has_attachments(catcher: MailCatcher) -> bool:
    await send(catcher, letter("abonent@example.ru", "Без вложений", "Текст"))
    return bool((await listed(catcher))[0]["attachments"])


async def test_recipients_come_from_the_smtp_envelope_including_hidden_ones(catcher: MailCatcher) -> None:
    message = letter("abonent@example.ru", "Обращение", "Текст обращения")

    await send(catcher, message, recipients=["abonent@example.ru", "operator@lka.example"])

    [caught] = await listed(catcher)
    assert caught["to"] == ["abonent@example.ru", "operator@lka.example"]


async def test_oldest_letter_is_dropped_past_the_capacity() -> None:
    async with MailCatcher(max_messages=2) as small:
        await small.start(HOST, 0, 0)
        for number in (1, 2, 3):
            await send(small, letter("abonent@example.ru", f"Письмо {number}", "Текст"))

        caught = await listed(small)

    assert [item["subject"] for item in caught] == ["Письмо 3", "Письмо 2"]


async def test_page_shows_letters_in_russian_with_markup_escaped(catcher: MailCatcher) -> None:
    await send(catcher, letter("abonent@example.ru", "Тема <script>alert(1)</script>", "Текст & <b>разметка</b>"))

    status, page = await http(catcher, "GET", "/")

    assert status == 200
    assert "Перехватчик почты ЛКА" in page
    assert "Тема &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Текст &amp; &lt;b&gt;разметка&lt;/b&gt;" in page
    assert "abonent@example.ru" in page
    assert "<script>" not in page


async def test_empty_page_says_there_are_no_letters(catcher: MailCatcher) -> None:
    status, page = await http(catcher, "GET", "/")

    assert status == 200
    assert "Писем пока нет." in page


async def test_health_probe_answers_ok(catcher: MailCatcher) -> None:
    assert await http(catcher, "GET", "/healthz") == (200, {"status": "ok"})


async def test_catcher_reports_the_free_ports_it_bound(catcher: MailCatcher) -> None:
    assert catcher.smtp_port > 0
    assert catcher.http_port > 0
    assert catcher.smtp_port != catcher.http_port
