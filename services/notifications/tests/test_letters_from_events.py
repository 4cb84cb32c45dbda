"""Letters raised by other services' events: to the linked users' confirmed address only, once
each, and none once the account's unlink is known, however the events are ordered."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aio_pika.abc import AbstractChannel
from notifications_support import Consumer, address, envelope, eventually_rows, letters_to, query, send

from lka_common.commands.notifications import SendLetter, UpdateAddressBook
from lka_common.events.accounts import AccountLinked, AccountUnlinked, LinkRequestResolved
from lka_common.events.base import EventData
from lka_common.events.identity import ProfilesMerged
from lka_common.events.readings import ReadingRejected
from lka_common.testing.events import eventually
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.store import CaughtLetter
from lka_notifications.settings import NotificationsSettings


async def test_rejected_reading_sends_one_letter_with_billings_reason_to_the_linked_user(
    consumer: Consumer, channel: AbstractChannel, catcher: MailCatcher, relay: Callable[[], Awaitable[int]]
) -> None:
    user_id, account_id, to = uuid.uuid4(), uuid.uuid4(), address()
    await consumer()
    await send(channel, UpdateAddressBook(user_id=user_id, email=to, confirmed=True), "lka.commands")
    linked = AccountLinked(
        user_id=user_id, account_id=account_id, region_code="simferopol", account_number="1234567", linked_via="surname"
    )
    await send(channel, linked, "lka.events")
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
    await send(channel, UpdateAddressBook(user_id=user_id, email=to, confirmed=False), "lka.commands")
    await asyncio.sleep(0.5)  # the address book first, as identity would have sent it
    command = await send(channel, SendLetter(template="password_changed", user_id=user_id), "lka.commands")

    # Handled (its inbox row committed), and still no letter: not merely not yet processed.
    assert await eventually_rows(settings, "SELECT 1 FROM inbox WHERE message_id = $1", command.id)
    assert await eventually_rows(settings, "SELECT 1 FROM address_book WHERE user_id = $1", user_id)
    assert letters_to(catcher, to) == []


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
    await send(channel, UpdateAddressBook(user_id=user_id, email=to, confirmed=True), "lka.commands")
    await asyncio.sleep(0.5)

    await send(channel, event(user_id), "lka.events")

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
    await send(channel, UpdateAddressBook(user_id=user_id, email=address(), confirmed=True), "lka.commands")
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
