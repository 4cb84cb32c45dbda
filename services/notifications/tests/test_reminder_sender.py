"""A scheduled run's batch of reminders (`SendReminders`): kept in `reminders_due` by its handler
and sent one by one by the reminder senders beside the consumer's handlers: one letter per
subscriber however often the command comes, none without a confirmed address (and the rest not
held up by it), a letter SMTP refuses for a while sent later and once, a transactional letter
never waiting behind the reminders, the senders stopping when told, and the gauges of the letters
waiting. What a reminder says and whom it skips: test_reminders.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import asyncpg
from aio_pika.abc import AbstractChannel
from notifications_support import Consumer, address, envelope, letters_to, query, send

from lka_common.commands.notifications import Reminder, SendLetter, SendReminders, UpdateAddressBook
from lka_common.testing.databases import plain_url
from lka_common.testing.events import eventually
from lka_common.testing.metrics import sample
from lka_common.testing.processes import free_port
from lka_common.unsubscribe import verify
from lka_common.uow import UnitOfWork
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.store import CaughtLetter
from lka_notifications.adapters import address_book, reminders_due
from lka_notifications.adapters.metrics import REMINDERS_OLDEST
from lka_notifications.bootstrap import reminder_senders
from lka_notifications.service_layer import handlers, reminder_metrics
from lka_notifications.settings import NotificationsSettings

PARAMS = {"account_number": "91000101", "period_title": "декабрь 2026 года", "closing_date": "25.12.2026"}
SUBJECT = "Показания до 25.12.2026: счет № 91000101"


def reminders(users: list[uuid.UUID]) -> SendReminders:
    letters = [Reminder(user_id=user, params=PARAMS) for user in users]
    return SendReminders(template="reading_window_reminder", letters=letters)


async def subscribers(channel: AbstractChannel, settings: NotificationsSettings, count: int) -> dict[uuid.UUID, str]:
    """`count` users with a confirmed address each, in the address book before their reminders
    come (on another queue, which could overtake theirs)."""
    mail = {uuid.uuid4(): address() for _ in range(count)}
    for user, to in mail.items():
        await send(channel, UpdateAddressBook(user_id=user, email=to, confirmed=True), "lka.commands")
    sql = "SELECT 1 FROM address_book WHERE user_id = ANY($1::uuid[])"
    await eventually(lambda: all_there(settings, sql, count, list(mail)), f"{count} addresses kept")
    return mail


async def all_there(settings: NotificationsSettings, sql: str, count: int, *args: object) -> bool:
    return len(await query(settings, sql, *args)) == count


async def one_letter(catcher: MailCatcher, to: str) -> CaughtLetter:
    (letter,) = await eventually(lambda: letters_to(catcher, to), f"the letter to {to}")
    return letter


async def none_waiting(settings: NotificationsSettings, message_id: str) -> None:
    """Every letter of the command settled: no row of it left in `reminders_due`."""
    sql = "SELECT 1 FROM reminders_due WHERE message_id = $1"
    await eventually(lambda: all_there(settings, sql, 0, message_id), f"the letters of {message_id} settled")


async def test_a_batch_gives_each_subscriber_one_letter_with_its_one_click_link(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    await consumer()
    mail = await subscribers(channel, settings, 5)

    command = await send(channel, reminders(list(mail)), "lka.commands")

    for user, to in mail.items():
        letter = await one_letter(catcher, to)
        assert letter.subject == SUBJECT
        headers = dict(letter.headers)
        link = urlsplit(headers["List-Unsubscribe"].strip("<>"))
        assert f"{link.scheme}://{link.netloc}{link.path}" == f"{settings.public_base_url}/api/v1/public/unsubscribe"
        named = verify(settings.unsubscribe_secret, parse_qs(link.query)["token"][0])
        assert named is not None and (named.user_id, named.kind) == (user, "reading_window")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    await none_waiting(settings, command.id)
    logged = await query(settings, "SELECT user_id, status FROM letters WHERE message_id LIKE $1", f"{command.id}/%")
    assert sorted((row["user_id"], row["status"]) for row in logged) == sorted((user, "sent") for user in mail)


async def test_a_batch_delivered_twice_still_gives_one_letter_each(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    await consumer()
    mail = await subscribers(channel, settings, 3)
    command = envelope(reminders(list(mail)))

    await send(channel, command, "lka.commands")
    await send(channel, command, "lka.commands")

    for to in mail.values():
        await one_letter(catcher, to)
    await none_waiting(settings, command.id)
    await asyncio.sleep(1.5)  # a second copy kept would be sent within the senders' pause
    assert [len(letters_to(catcher, to)) for to in mail.values()] == [1, 1, 1]


async def test_a_command_kept_twice_keeps_each_letter_once(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    """The inbox already makes a redelivered command a no-op; the letters' key holds without it."""
    command = envelope(reminders([uuid.uuid4(), uuid.uuid4(), uuid.uuid4()]))
    assert isinstance(command.data, dict)
    try:
        for _ in range(2):
            async with uow_factory() as uow:
                await handlers.keep_reminders(uow, SendReminders.model_validate(command.data), command)
                await uow.commit()
        rows = await query(settings, "SELECT position FROM reminders_due WHERE message_id = $1", command.id)
        assert sorted(row["position"] for row in rows) == [0, 1, 2]
    finally:
        await query(settings, "DELETE FROM reminders_due WHERE message_id = $1", command.id)


async def test_a_letter_without_a_confirmed_address_is_dropped_and_the_others_go(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    await consumer()
    mail = await subscribers(channel, settings, 2)
    unknown, unconfirmed = uuid.uuid4(), uuid.uuid4()
    await send(channel, UpdateAddressBook(user_id=unconfirmed, email=address(), confirmed=False), "lka.commands")
    sql = "SELECT 1 FROM address_book WHERE user_id = $1"
    await eventually(lambda: all_there(settings, sql, 1, unconfirmed), "the unconfirmed address kept")

    # The two without an address first: they are taken first, and must not hold the others up.
    command = await send(channel, reminders([unknown, unconfirmed, *mail]), "lka.commands")

    for to in mail.values():
        assert (await one_letter(catcher, to)).subject == SUBJECT
    await none_waiting(settings, command.id)
    logged = await query(settings, "SELECT user_id FROM letters WHERE message_id LIKE $1", f"{command.id}/%")
    assert sorted(row["user_id"] for row in logged) == sorted(mail)


async def test_a_letter_smtp_refuses_for_a_while_is_sent_later_once(
    consumer: Consumer, channel: AbstractChannel, settings: NotificationsSettings
) -> None:
    port = free_port()
    await consumer(smtp_port=port, reminder_retry_first_s=0.2)
    mail = await subscribers(channel, settings, 1)
    (to,) = mail.values()

    command = await send(channel, reminders(list(mail)), "lka.commands")
    waiting = "SELECT 1 FROM reminders_due WHERE message_id = $1 AND attempts >= 1 AND not_before > enqueued_at"
    await eventually(lambda: all_there(settings, waiting, 1, command.id), "the letter pushed back")
    retrying = "SELECT 1 FROM letters WHERE message_id = $1 AND status = 'retrying'"
    assert await all_there(settings, retrying, 1, f"{command.id}/0")
    late_catcher = MailCatcher()
    await late_catcher.start("127.0.0.1", port, 0)
    try:
        await eventually(lambda: letters_to(late_catcher, to), "the letter once SMTP is back", timeout=20)
        await none_waiting(settings, command.id)
        sent = await query(settings, "SELECT attempts FROM letters WHERE message_id = $1", f"{command.id}/0")
        assert [row["attempts"] > 1 for row in sent] == [True]
        await asyncio.sleep(1.5)
        assert len(letters_to(late_catcher, to)) == 1
    finally:
        await late_catcher.stop()


@asynccontextmanager
async def mailboxes_held(settings: NotificationsSettings, mailboxes: list[str]) -> AsyncIterator[None]:
    """Hold each mailbox's lock (letters_repository.lock_recipient) from another session: a letter
    to one waits, holding its sender's connection, until the block ends."""
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        async with conn.transaction():
            for mailbox in mailboxes:
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"letters:{mailbox.lower()}")
            yield
    finally:
        await conn.close()


async def senders_waiting(settings: NotificationsSettings, count: int) -> None:
    """At least `count` letters waiting for a mailbox held by `mailboxes_held`."""
    sql = (
        "SELECT count(*) AS waiting FROM pg_locks JOIN pg_database d ON d.oid = database"
        " WHERE d.datname = current_database() AND locktype = 'advisory' AND NOT granted"
    )

    async def enough() -> bool:
        (row,) = await query(settings, sql)
        return bool(row["waiting"] >= count)

    await eventually(enough, f"{count} senders waiting for a mailbox")


async def test_reminders_never_hold_a_transactional_letter_back(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, settings: NotificationsSettings
) -> None:
    """Each sender holds one of the consumer's pool connections while it sends: however many are
    asked for, one connection is left to the handlers, so a letter someone waits for goes at once."""
    pool = settings.db_consumer_pool_size
    await consumer(reminder_senders=pool + 2, reminder_retry_first_s=0.2, db_statement_timeout_ms=30_000)
    mail = await subscribers(channel, settings, pool + 2)
    to = address()

    async with mailboxes_held(settings, list(mail.values())):
        command = await send(channel, reminders(list(mail)), "lka.commands")
        await senders_waiting(settings, pool - 1)
        await send(channel, SendLetter(template="password_changed", to=to), "lka.commands")
        letter = await eventually(lambda: letters_to(catcher, to), "the transactional letter", timeout=1.5)
        assert [one.subject for one in letter] == ["Пароль успешно изменен"]
        assert not any(letters_to(catcher, mailbox) for mailbox in mail.values())

    for mailbox in mail.values():
        await one_letter(catcher, mailbox)
    await none_waiting(settings, command.id)


async def test_the_senders_stop_when_told_once_the_letter_in_hand_is_sent(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork], catcher: MailCatcher
) -> None:
    user, to = uuid.uuid4(), address()
    command = envelope(reminders([user]))
    async with uow_factory() as uow:
        await address_book.save_address(uow.session, user, to, confirmed=True)
        letter = Reminder(user_id=user, params=PARAMS)
        await reminders_due.add(uow.session, command.id, "reading_window_reminder", [letter])
        await uow.commit()
    stop = asyncio.Event()

    async with mailboxes_held(settings, [to]):
        senders = asyncio.create_task(reminder_senders(settings)(stop, uow_factory))
        await senders_waiting(settings, 1)  # the letter in hand
        stop.set()
        await asyncio.sleep(0.3)
        assert not senders.done()
    await asyncio.wait_for(senders, timeout=3)

    assert (await one_letter(catcher, to)).subject == SUBJECT
    await none_waiting(settings, command.id)
    # Idle, they stop at once too.
    stop.clear()
    idle = asyncio.create_task(reminder_senders(settings)(stop, uow_factory))
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(idle, timeout=0.5)


def gauges() -> tuple[float, float]:
    """What /metrics says now: the reading-window letters waiting, and the oldest one's age."""
    return sample("lka_reminders_waiting", template="reading_window_reminder"), sample("lka_reminders_oldest_seconds")


async def test_the_gauges_show_the_letters_waiting_until_they_are_sent(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    """An operator sees a run drain (docs/operations.md, "Metrics"): the letters kept and not sent
    yet, those pushed back while SMTP is away included, by template, and how long the oldest has
    waited; 0 and 0 once they are sent."""
    assert not await query(settings, "SELECT 1 FROM reminders_due"), "letters another test left waiting"
    port = free_port()
    chosen = settings.model_copy(
        update={
            "smtp_port": port,
            "reminder_senders": 1,  # and the side unit recording its failures: the test pool's 2 connections
            "reminder_retry_first_s": 0.2,
            "reminder_metrics_interval_s": 0.1,
        }
    )
    mail = {uuid.uuid4(): address() for _ in range(3)}
    command = envelope(reminders(list(mail)))
    assert isinstance(command.data, dict)
    async with uow_factory() as uow:
        for user, to in mail.items():
            await address_book.save_address(uow.session, user, to, confirmed=True)
        await handlers.keep_reminders(uow, SendReminders.model_validate(command.data), command)
        await uow.commit()
    stop = asyncio.Event()
    senders = asyncio.create_task(reminder_senders(chosen)(stop, uow_factory))
    late_catcher = MailCatcher()
    try:
        await eventually(lambda: gauges()[0] == 3 and gauges()[1] > 0, "3 letters waiting, the oldest for a while")
        await late_catcher.start("127.0.0.1", port, 0)
        for to in mail.values():
            await eventually(lambda to=to: letters_to(late_catcher, to), f"the letter to {to}", timeout=20)
        await none_waiting(settings, command.id)
        await eventually(lambda: gauges() == (0, 0), "no letter waiting")
    finally:
        stop.set()
        await asyncio.wait_for(senders, timeout=3)
        await late_catcher.stop()
        await query(settings, "DELETE FROM reminders_due WHERE message_id = $1", command.id)


async def test_a_refresh_that_fails_is_tried_again_at_the_next_interval(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    assert not await query(settings, "SELECT 1 FROM reminders_due"), "letters another test left waiting"
    REMINDERS_OLDEST.set(-1)  # what no refresh writes: the one that succeeds shows
    calls = 0

    def database_away_once() -> UnitOfWork:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError("the database is away")
        return uow_factory()

    stop = asyncio.Event()
    refresher = asyncio.create_task(reminder_metrics.run(stop, database_away_once, 0.5))
    try:
        await eventually(lambda: calls == 1, "the first refresh")
        assert sample("lka_reminders_oldest_seconds") == -1 and not refresher.done()
        await eventually(lambda: sample("lka_reminders_oldest_seconds") == 0, "the next refresh")
    finally:
        stop.set()
        await asyncio.wait_for(refresher, timeout=3)
