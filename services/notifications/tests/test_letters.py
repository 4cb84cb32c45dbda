"""Letters: one per command or event, delayed not lost while SMTP is down, capped per
recipient, dead-lettered and logged when they keep failing, and never a secret at rest."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractChannel
from pydantic import ValidationError

from lka_common.commands.notifications import (
    MAX_ATTACHMENTS_BYTES,
    Attachment,
    LetterTemplate,
    SendLetter,
    UpdateAddressBook,
)
from lka_common.events.accounts import AccountLinked, AccountUnlinked, LinkRequestResolved
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.events.identity import ProfilesMerged
from lka_common.events.readings import ReadingRejected
from lka_common.messaging.topology import declare_exchanges
from lka_common.testing.databases import plain_url
from lka_common.testing.events import eventually
from lka_common.testing.processes import free_port
from lka_common.uow import UnitOfWork
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.store import CaughtLetter
from lka_notifications.settings import NotificationsSettings

Consumer = Callable[..., Awaitable[None]]


@pytest.fixture
async def channel(amqp_url: str) -> AsyncIterator[AbstractChannel]:
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    await declare_exchanges(channel)
    yield channel
    await connection.close()


async def send(channel: AbstractChannel, event: CloudEvent, exchange: str) -> None:
    target = await channel.get_exchange(exchange)
    await target.publish(
        aio_pika.Message(event.to_json(), message_id=event.id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        routing_key=event.type,
    )


def envelope(data: EventData, subject: str = "s") -> CloudEvent:
    return new_event(data, "/lka/tests", subject=subject)


def letters_to(catcher: MailCatcher, address: str) -> list[CaughtLetter]:
    return [letter for letter in catcher.store if address in letter.to]


async def query(settings: NotificationsSettings, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def address() -> str:
    return f"abonent-{uuid.uuid4().hex[:10]}@example.ru"


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
        envelope(SendLetter(template="bill_issued", to=to, params=params, attachments=[attachment])),
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
        envelope(SendLetter(template="feedback_forward", to=mailbox, params=params, reply_to=author)),
        "lka.commands",
    )

    (letter,) = await eventually(lambda: letters_to(catcher, mailbox))
    assert letter.reply_to == author
    assert "Не вижу истории" in (letter.text or "")


async def test_rejected_reading_sends_one_letter_with_billings_reason_to_the_linked_user(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, relay: Callable[[], Awaitable[int]]
) -> None:
    user_id, account_id, to = uuid.uuid4(), uuid.uuid4(), address()
    await consumer()
    await send(channel, envelope(UpdateAddressBook(user_id=user_id, email=to, confirmed=True)), "lka.commands")
    linked = AccountLinked(
        user_id=user_id, account_id=account_id, region_code="simferopol", account_number="1234567", linked_via="surname"
    )
    await send(channel, envelope(linked), "lka.events")
    await asyncio.sleep(0.5)  # the projections first, as they would be in real life
    rejected = envelope(
        ReadingRejected(
            reading_id=uuid.uuid4(),
            account_id=account_id,
            region_code="simferopol",
            account_number="1234567",
            reason="Показания меньше предыдущих",
        )
    )

    await send(channel, rejected, "lka.events")
    await send(channel, rejected, "lka.events")

    async def relayed_letter() -> list[CaughtLetter]:
        await relay()  # the event raised a SendLetter command in the notifications outbox
        return letters_to(catcher, to)

    (letter,) = await eventually(relayed_letter)
    assert letter.subject == "Показания по лицевому счету № 1234567 не приняты"
    assert "Причина: Показания меньше предыдущих" in letter.text
    await asyncio.sleep(1)
    assert len(letters_to(catcher, to)) == 1


async def test_unconfirmed_address_gets_no_event_letters(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    user_id, to = uuid.uuid4(), address()
    await consumer()
    await send(channel, envelope(UpdateAddressBook(user_id=user_id, email=to, confirmed=False)), "lka.commands")
    await asyncio.sleep(0.5)  # the address book first, as identity would have sent it
    command = envelope(SendLetter(template="password_changed", user_id=user_id))
    await send(channel, command, "lka.commands")

    # Handled (its inbox row committed), and still no letter: not merely not yet processed.
    assert await eventually_rows(settings, "SELECT 1 FROM inbox WHERE message_id = $1", command.id)
    assert await eventually_rows(settings, "SELECT 1 FROM address_book WHERE user_id = $1", user_id)
    assert letters_to(catcher, to) == []


async def eventually_rows(settings: NotificationsSettings, sql: str, *args: Any) -> list[asyncpg.Record]:
    """The rows `sql` finds once it finds any; a failure naming the query if none come."""
    return await eventually(lambda: query(settings, sql, *args), f"rows of {sql}", timeout=10)


async def test_letters_wait_while_smtp_is_down_and_arrive_when_it_is_back(
    consumer: Consumer, channel: AbstractChannel, settings: NotificationsSettings
) -> None:
    port = free_port()
    to = address()
    await consumer(smtp_port=port)
    command = envelope(SendLetter(template="password_changed", to=to))

    await send(channel, command, "lka.commands")
    retrying = await eventually_rows(
        settings, "SELECT attempts, last_error FROM letters WHERE message_id = $1 AND status = 'retrying'", command.id
    )
    assert retrying[0]["attempts"] >= 1
    late_catcher = MailCatcher()
    await late_catcher.start("127.0.0.1", port, 0)
    try:
        (letter,) = await eventually(lambda: letters_to(late_catcher, to), timeout=40)
    finally:
        await late_catcher.stop()
    assert letter.subject == "Пароль успешно изменен"
    # The "sent" row commits just after the SMTP send: the catcher may have the letter first.
    assert await eventually_rows(
        settings, "SELECT 1 FROM letters WHERE message_id = $1 AND status = 'sent'", command.id
    )


async def test_letter_that_keeps_failing_is_dead_lettered_and_logged_as_failed(
    consumer: Consumer, channel: AbstractChannel, settings: NotificationsSettings
) -> None:
    await consumer(smtp_port=free_port(), letter_max_attempts=2)
    command = envelope(SendLetter(template="password_changed", to=address()))

    await send(channel, command, "lka.commands")

    rows = await eventually_rows(
        settings, "SELECT attempts, last_error FROM letters WHERE message_id = $1 AND status = 'failed'", command.id
    )
    assert rows[0]["attempts"] == 2
    assert "SMTP" in rows[0]["last_error"]
    # The log row commits just before the message is rejected: the dead letter follows shortly.
    dlq = await channel.declare_queue("notifications.commands.dlq", passive=True)
    ids: list[str | None] = []

    async def dead_lettered() -> bool:
        while (message := await dlq.get(fail=False)) is not None:
            ids.append(message.message_id)
            await message.ack()
        return command.id in ids

    assert await eventually(dead_lettered)


# What a person who uses the portal for an hour gets (issue 18, item 3): decisions on link
# requests, billing's verdicts on readings, receipts, security notices. Parameters as sent.
NEEDED: list[tuple[LetterTemplate, dict[str, Any]]] = [
    *[
        ("link_request_resolved", {"status": status, "account_number": f"9100010{n}", "comment": None})
        for n, status in enumerate(["approved", "rejected", "approved", "approved", "rejected"])
    ],
    *[("reading_accepted", {"account_number": f"9100020{n}"}) for n in range(4)],
    *[
        ("reading_rejected", {"account_number": f"9100030{n}", "reason": "Показания меньше предыдущих"})
        for n in range(2)
    ],
    *[
        (
            "payment_receipt",
            {
                "account_number": "91000101",
                "amount": f"{n}00,00",
                "card": "Visa •••• 1111",
                "paid_at": "06.12.2026 10:00",
                "order_id": f"ord-{n}",
            },
        )
        for n in range(1, 3)
    ],
    ("password_changed", {}),
    ("profiles_merged", {}),
]
RECOVERY = {"link": "https://lk.example.test/password/reset?token=Abc", "valid_hours": 1}


async def logged(settings: NotificationsSettings, to: str, count: int) -> list[asyncpg.Record]:
    """The delivery log's rows of `to` (template, status), once there are `count` of them handled."""
    sql = "SELECT template, status FROM letters WHERE recipient = $1 AND status IN ('sent', 'suppressed') ORDER BY id"

    async def rows() -> list[asyncpg.Record] | None:
        found = await query(settings, sql, to)
        return found if len(found) >= count else None

    return await eventually(rows, f"{count} letters to {to} handled", timeout=20)


async def test_a_persons_fifteenth_needed_letter_in_an_hour_arrives_and_a_recovery_letter_after_them_too(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    """The cap (10 an hour, as shipped) is for letters a stranger can cause; a person's decisions,
    verdicts, receipts and security notices are never suppressed, nor do they use it up."""
    to = address()
    assert settings.letters_per_recipient_per_hour == 10
    await consumer()
    assert len(NEEDED) == 15

    for template, params in NEEDED:
        await send(channel, envelope(SendLetter(template=template, to=to, params=params)), "lka.commands")
    needed = await logged(settings, to, len(NEEDED))
    assert sorted((row["template"], row["status"]) for row in needed) == sorted((t, "sent") for t, _ in NEEDED)
    # A recovery letter after the burst: capped, and the cap is not used up by needed letters.
    await send(channel, envelope(SendLetter(template="password_reset", to=to, params=RECOVERY)), "lka.commands")

    def all_of_them() -> list[CaughtLetter] | None:
        caught = letters_to(catcher, to)
        return caught if len(caught) > len(NEEDED) else None

    arrived = await eventually(all_of_them, f"{len(NEEDED) + 1} letters in the catcher", timeout=20)
    assert len(arrived) == len(NEEDED) + 1
    assert "Восстановление доступа" in [letter.subject for letter in arrived]
    assert sum(letter.subject.startswith("Заявка на добавление") for letter in arrived) == 2
    assert sum(letter.subject.endswith("привязан к учетной записи") for letter in arrived) == 3


async def test_letters_a_stranger_can_cause_are_capped_per_address_and_needed_ones_never(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    to = address()
    await consumer(letters_per_recipient_per_hour=3)
    # Four needed letters first: they do not count toward the cap.
    for template, params in NEEDED[:4]:
        await send(channel, envelope(SendLetter(template=template, to=to, params=params)), "lka.commands")
    await logged(settings, to, 4)

    for _ in range(5):  # someone registering again and again with this address
        await send(channel, envelope(SendLetter(template="registration_repeated", to=to)), "lka.commands")
    await logged(settings, to, 9)
    # Past the cap, a needed letter still goes out.
    verdict = {"account_number": "91000101", "reason": "Показания меньше предыдущих"}
    await send(channel, envelope(SendLetter(template="reading_rejected", to=to, params=verdict)), "lka.commands")

    rows = await logged(settings, to, 10)
    statuses = [(row["template"], row["status"]) for row in rows]
    assert sorted(statuses[:4]) == sorted((template, "sent") for template, _ in NEEDED[:4])
    assert (
        sorted(statuses[4:9]) == [("registration_repeated", "sent")] * 3 + [("registration_repeated", "suppressed")] * 2
    )
    assert statuses[9] == ("reading_rejected", "sent")
    await eventually(lambda: len(letters_to(catcher, to)) == 8)
    await asyncio.sleep(0.5)
    assert len(letters_to(catcher, to)) == 8


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


@pytest.mark.parametrize(
    ("event", "subject", "phrase"),
    [
        pytest.param(
            lambda user: LinkRequestResolved(
                request_id=uuid.uuid4(),
                user_id=user,
                region_code="feodosiya",
                account_number="7654321",
                status="approved",
            ),
            "Лицевой счет № 7654321 привязан к учетной записи",
            "Лицевой счет успешно привязан к учетной записи",
            id="link-request-approved",
        ),
        pytest.param(
            lambda user: ProfilesMerged(target_user_id=user, source_user_id=uuid.uuid4(), merged_at=datetime.now(UTC)),
            "Учетные записи объединены",
            "войти в присоединенную учетную запись больше нельзя",
            id="profiles-merged",
        ),
    ],
)
async def test_identity_and_accounts_events_send_their_letter_to_the_users_confirmed_address(
    consumer: Consumer,
    channel: AbstractChannel,
    catcher: MailCatcher,
    relay: Callable[[], Awaitable[int]],
    event: Callable[[uuid.UUID], EventData],
    subject: str,
    phrase: str,
) -> None:
    user_id, to = uuid.uuid4(), address()
    await consumer()
    await send(channel, envelope(UpdateAddressBook(user_id=user_id, email=to, confirmed=True)), "lka.commands")
    await asyncio.sleep(0.5)

    await send(channel, envelope(event(user_id)), "lka.events")

    async def relayed_letter() -> list[CaughtLetter]:
        await relay()
        return letters_to(catcher, to)

    (letter,) = await eventually(relayed_letter)
    assert letter.subject == subject
    assert phrase in letter.text


async def test_an_unlink_that_overtakes_its_link_stops_the_accounts_letters(
    consumer: Consumer, channel: AbstractChannel, settings: NotificationsSettings
) -> None:
    user_id, account_id = uuid.uuid4(), uuid.uuid4()
    await consumer()
    await send(channel, envelope(UpdateAddressBook(user_id=user_id, email=address(), confirmed=True)), "lka.commands")
    assert await eventually_rows(settings, "SELECT 1 FROM address_book WHERE user_id = $1", user_id)
    names = {"user_id": user_id, "account_id": account_id, "region_code": "simferopol", "account_number": "7007007"}
    linked = envelope(AccountLinked(**names, linked_via="surname"))
    assert linked.time is not None
    unlinked = envelope(AccountUnlinked(**names)).model_copy(update={"time": linked.time + timedelta(seconds=1)})

    for event in (unlinked, linked):  # the later one is delivered first
        await send(channel, event, "lka.events")
        assert await eventually_rows(settings, "SELECT 1 FROM inbox WHERE message_id = $1", event.id)
    account = {key: names[key] for key in ("account_id", "region_code", "account_number")}
    rejected = envelope(ReadingRejected(reading_id=uuid.uuid4(), **account, reason="Показания меньше предыдущих"))
    await send(channel, rejected, "lka.events")

    # Handled (its inbox row committed with whatever letters it raised), and no letter for the user.
    assert await eventually_rows(settings, "SELECT 1 FROM inbox WHERE message_id = $1", rejected.id)
    assert await query(settings, "SELECT 1 FROM outbox WHERE body LIKE $1", f"%{user_id}%") == []
