"""Letters on command: one however often the command is delivered, with its link, its
attachments and its reply-to, the pair the feedback form sends, and never a secret at rest.
Letters raised by other services' events: test_letters_from_events.py; delivery (SMTP down,
dead letters, the cap per address): test_letter_delivery.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aio_pika.abc import AbstractChannel
from notifications_support import Consumer, address, envelope, letters_to, query, send
from pydantic import ValidationError

from lka_common.commands.notifications import MAX_ATTACHMENTS_BYTES, Attachment, SendLetter
from lka_common.testing.events import eventually
from lka_common.uow import UnitOfWork
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.store import CaughtLetter
from lka_notifications.settings import NotificationsSettings


async def test_send_letter_command_delivered_twice_gives_one_letter_with_its_link(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher
) -> None:
    to = address()
    command = envelope(
        SendLetter(
            template="email_confirmation",
            to=to,
            params={"link": "https://lk.example.test/confirm-email?token=Abc-123_x", "valid_hours": 24},
        )
    )
    await consumer()

    await send(channel, command, "lka.commands")
    await send(channel, command, "lka.commands")

    (letter,) = await eventually(lambda: letters_to(catcher, to))
    assert letter.subject == "Подтверждение адреса электронной почты"
    assert "Создана учетная запись в сервисе «Личный кабинет абонента» ГУП РК «Крымэнерго»" in letter.text
    assert "https://lk.example.test/confirm-email?token=Abc-123_x" in letter.text
    assert 'href="https://lk.example.test/confirm-email?token=Abc-123_x"' in (letter.html or "")
    await asyncio.sleep(1)
    assert len(letters_to(catcher, to)) == 1


async def test_a_letter_with_an_attachment_arrives_with_the_file(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher
) -> None:
    to = address()
    pdf = b"%PDF-1.7 a bill"
    params = {"account_number": "91000202", "month": "ноябрь 2026 г.", "total_due": "879,56", "due_date": "10.12.2026"}
    attachment = Attachment.of("kvitanciya-91000202-2026-11.pdf", "application/pdf", pdf)
    await consumer()

    await send(
        channel,
        SendLetter(template="bill_issued", to=to, params=params, attachments=[attachment]),
        "lka.commands",
    )

    (letter,) = await eventually(lambda: letters_to(catcher, to))
    assert letter.subject == "Квитанция за ноябрь 2026 г. по лицевому счету № 91000202"
    assert "К оплате: 879,56 руб." in (letter.text or "")
    (attached,) = letter.attachments
    assert (attached.filename, attached.content_type, attached.content) == (
        "kvitanciya-91000202-2026-11.pdf",
        "application/pdf",
        pdf,
    )


def test_attachments_above_the_bound_are_refused_by_the_command_itself() -> None:
    big = Attachment.of("big.pdf", "application/pdf", b"0" * (MAX_ATTACHMENTS_BYTES + 3))
    with pytest.raises(ValidationError):
        SendLetter(template="bill_issued", to=address(), attachments=[big])


async def test_a_forwarded_feedback_letter_is_answered_to_its_author(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher
) -> None:
    """The supplier's mailbox presses «Ответить» and reaches the subscriber, not the portal."""
    mailbox, author = address(), address()
    params = {"topic": "Показания", "message": "Не вижу истории", "email": author, "name": "Иван", "user_id": None}
    params["received_at"] = "06.12.2026 10:00 UTC"
    await consumer()

    await send(
        channel,
        SendLetter(template="feedback_forward", to=mailbox, params=params, reply_to=author),
        "lka.commands",
    )

    (letter,) = await eventually(lambda: letters_to(catcher, mailbox))
    assert letter.reply_to == author
    assert "Не вижу истории" in (letter.text or "")


async def test_no_secret_stays_in_the_outbox_the_delivery_log_or_the_logs(
    consumer: Consumer,
    relay: Callable[[], Awaitable[int]],
    uow_factory: Callable[[], UnitOfWork],
    catcher: MailCatcher,
    settings: NotificationsSettings,
    capfd: pytest.CaptureFixture[str],
) -> None:
    secret = f"Tok-{uuid.uuid4().hex}"
    to = address()
    await consumer()
    async with uow_factory() as uow:
        command = uow.publish(
            SendLetter(
                template="password_reset",
                to=to,
                params={"link": f"https://lk.example.test/password/reset?token={secret}", "valid_hours": 1},
            ),
            subject="user",
        )
        await uow.commit()

    await relay()

    (letter,) = await eventually(lambda: letters_to(catcher, to))
    assert secret in letter.text
    assert "Для восстановления доступа в сервисе «Личный кабинет абонента ГУП РК „Крымэнерго“»" in letter.text
    (outbox,) = await query(
        settings, "SELECT body, published_at FROM outbox WHERE message_id = $1", uuid.UUID(command.id)
    )
    assert outbox["published_at"] is not None
    assert outbox["body"] == ""
    for table in ("letters", "inbox", "outbox", "feedback", "address_book"):
        dump = await query(settings, f"SELECT t::text AS row FROM {table} t")
        assert not [r for r in dump if secret in r["row"]], table
    captured = capfd.readouterr()
    assert secret not in captured.out + captured.err


async def test_feedback_is_forwarded_to_the_supplier_confirmed_to_the_author_and_announced(
    api: Any,
    consumer: Consumer,
    relay: Callable[[], Awaitable[int]],
    channel: AbstractChannel,
    catcher: MailCatcher,
) -> None:
    announced = await channel.declare_queue(exclusive=True)
    await announced.bind("lka.events", routing_key="notifications.feedback.received.v1")
    author, topic = address(), f"Счетчик {uuid.uuid4().hex[:6]}"
    await consumer()

    response = await api.post(
        "/api/v1/feedback",
        json={"topic": topic, "message": "Счетчик не работает", "email": author, "name": "Мария"},
        headers={"X-Forwarded-For": f"192.0.2.{uuid.uuid4().int % 250 + 1}"},
    )
    assert response.status_code == 201

    async def both_letters() -> list[CaughtLetter]:
        await relay()
        forwarded = [m for m in catcher.store if m.subject == f"Обратная связь ЛКА: {topic}"]
        return forwarded + letters_to(catcher, author) if forwarded and letters_to(catcher, author) else []

    forwarded, confirmation = await eventually(both_letters)
    assert list(forwarded.to) == ["feedback@crimea-energy.ru"]
    assert "Счетчик не работает" in forwarded.text
    assert author in forwarded.text
    assert confirmation.subject == "Ваше обращение получено"
    assert "Мария" in confirmation.text
    message = await eventually(lambda: announced.get(fail=False, no_ack=True))
    assert "Счетчик не работает" not in message.body.decode()
    assert response.json()["id"] in message.body.decode()
