"""Delivery: a letter waits while SMTP is down and arrives when it is back, one that keeps
failing is dead-lettered and logged as failed, and letters a stranger can cause are capped per
address while the ones a person needs never are."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from aio_pika.abc import AbstractChannel
from notifications_support import Consumer, address, eventually_rows, letters_to, query, send

from lka_common.commands.notifications import LetterTemplate, SendLetter
from lka_common.testing.events import eventually
from lka_common.testing.processes import free_port
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.store import CaughtLetter
from lka_notifications.settings import NotificationsSettings


async def test_letters_wait_while_smtp_is_down_and_arrive_when_it_is_back(
    consumer: Consumer, channel: AbstractChannel, settings: NotificationsSettings
) -> None:
    port = free_port()
    to = address()
    await consumer(smtp_port=port)

    command = await send(channel, SendLetter(template="password_changed", to=to), "lka.commands")
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

    command = await send(channel, SendLetter(template="password_changed", to=address()), "lka.commands")

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
        await send(channel, SendLetter(template=template, to=to, params=params), "lka.commands")
    needed = await logged(settings, to, len(NEEDED))
    assert sorted((row["template"], row["status"]) for row in needed) == sorted((t, "sent") for t, _ in NEEDED)
    # A recovery letter after the burst: capped, and the cap is not used up by needed letters.
    await send(channel, SendLetter(template="password_reset", to=to, params=RECOVERY), "lka.commands")

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
        await send(channel, SendLetter(template=template, to=to, params=params), "lka.commands")
    await logged(settings, to, 4)

    for _ in range(5):  # someone registering again and again with this address
        await send(channel, SendLetter(template="registration_repeated", to=to), "lka.commands")
    await logged(settings, to, 9)
    # Past the cap, a needed letter still goes out.
    verdict = {"account_number": "91000101", "reason": "Показания меньше предыдущих"}
    await send(channel, SendLetter(template="reading_rejected", to=to, params=verdict), "lka.commands")

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
