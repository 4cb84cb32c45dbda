"""Reminders (docs/contract.md §4 "Reminders"): not sent to a person who turned their kind off
(identity's preferences, kept here from its events), and otherwise with a one-click unsubscribe
link (RFC 8058) that identity can check; the bill and the receipt honour their preferences too,
the bill with the one-click link, the receipt without. How a batch of reminders is kept and sent:
test_reminder_sender.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import pytest
from aio_pika.abc import AbstractChannel
from notifications_support import Consumer, address, letters_to, query, send

from lka_common.commands.notifications import Reminder, SendLetter, SendReminders, UpdateAddressBook
from lka_common.events.base import EventData
from lka_common.events.identity import LetterPreferencesChanged
from lka_common.testing.events import eventually
from lka_common.unsubscribe import verify
from lka_common.uow import UnitOfWork
from lka_mailcatcher.catcher import MailCatcher
from lka_notifications.adapters.mailer import Letter, SmtpMailer
from lka_notifications.adapters.templates import LetterRenderer
from lka_notifications.service_layer.letters import LetterDispatcher
from lka_notifications.settings import NotificationsSettings

PARAMS = {"account_number": "91000101", "period_title": "декабрь 2026 года", "closing_date": "25.12.2026"}
# Each letter a person may turn off, as its sender passes it, and the preference that does.
OPTIONAL: dict[str, tuple[dict[str, str], str]] = {
    "reading_window_reminder": (PARAMS, "reading_window"),
    "verification_due_reminder": (
        {"account_number": "91000101", "meter_number": "011076135", "verification_date": "15.01.2027", "stage": "due"},
        "verification_due",
    ),
    "debt_reminder": (
        {
            "account_number": "91000101",
            "amount": "1 523,40",
            "period_title": "ноябрь 2026 г.",
            "due_date": "10.12.2026",
        },
        "debt",
    ),
    "bill_issued": (
        {"account_number": "91000101", "month": "ноябрь 2026 г.", "total_due": "1 308,01", "due_date": "10.12.2026"},
        "bill_issued",
    ),
    "payment_receipt": (
        {
            "account_number": "91000101",
            "amount": "1 523,40",
            "card": "Visa •••• 1111",
            "paid_at": "06.12.2026 10:00",
            "order_id": "ord-5f1c",
        },
        "payment_receipts",
    ),
}


def preferences(user_id: uuid.UUID, at: datetime, **off: bool) -> LetterPreferencesChanged:
    chosen = dict.fromkeys(["reading_window", "verification_due", "debt", "bill_issued", "payment_receipts"], True)
    return LetterPreferencesChanged(user_id=user_id, new_sign_in=True, changed_at=at, **{**chosen, **off})


async def rows_if(settings: NotificationsSettings, sql: str, count: int, *args: Any) -> list[asyncpg.Record] | None:
    """The rows `sql` finds when there are exactly `count` of them (to poll for), else None."""
    rows = await query(settings, sql, *args)
    return rows if len(rows) == count else None


async def statuses(settings: NotificationsSettings, user_id: uuid.UUID) -> list[str]:
    rows = await query(settings, "SELECT status FROM letters WHERE user_id = $1 ORDER BY id", user_id)
    return [row["status"] for row in rows]


async def test_a_reminder_is_not_sent_to_whoever_turned_its_kind_off(
    consumer: Consumer,
    channel: AbstractChannel,
    catcher: MailCatcher,
    settings: NotificationsSettings,
) -> None:
    wants, declined = uuid.uuid4(), uuid.uuid4()
    mail = {user: address() for user in (wants, declined)}
    now = datetime.now(UTC)
    await consumer()
    for user, to in mail.items():
        await send(channel, UpdateAddressBook(user_id=user, email=to, confirmed=True), "lka.commands")
    await send(channel, preferences(declined, now, reading_window=False), "lka.events")
    # An older change arriving late (turned on before it was turned off) changes nothing.
    await send(channel, preferences(declined, now - timedelta(minutes=5)), "lka.events")
    await send(channel, preferences(wants, now, debt=False), "lka.events")  # another kind off
    kept = "SELECT user_id, turned_off FROM letter_preferences WHERE user_id = ANY($1::uuid[])"
    rows = await eventually(lambda: rows_if(settings, kept, 2, list(mail)), "both preferences kept")
    assert {row["user_id"]: row["turned_off"] for row in rows} == {declined: ["reading_window"], wants: ["debt"]}

    letters = [Reminder(user_id=user, params=PARAMS) for user in mail]
    await send(channel, SendReminders(template="reading_window_reminder", letters=letters), "lka.commands")

    (letter,) = await eventually(lambda: letters_to(catcher, mail[wants]))
    assert letter.subject == "Показания до 25.12.2026: счет № 91000101"
    assert f"{settings.public_base_url}/readings" in (letter.text or "")
    assert await eventually(lambda: statuses(settings, declined)) == ["turned_off"]
    assert not letters_to(catcher, mail[declined])


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[Letter] = []

    async def send(self, letter: Letter) -> None:
        self.sent.append(letter)


async def dispatched(
    settings: NotificationsSettings,
    uow_factory: Callable[[], UnitOfWork],
    template: str,
    params: dict[str, str],
    user: uuid.UUID,
) -> Letter:
    """The one letter the dispatcher makes of `template` for `user`, kept instead of mailed."""
    mailer = RecordingMailer()
    renderer = LetterRenderer(settings.supplier_name, settings.public_base_url)
    unsubscribe = (settings.public_base_url, settings.unsubscribe_secret)
    dispatcher = LetterDispatcher(mailer, renderer, 10, 3, unsubscribe=unsubscribe)  # type: ignore[arg-type]
    async with uow_factory() as uow:
        await dispatcher.deliver(
            uow, message_id=str(uuid.uuid4()), template=template, recipient=address(), params=params, user_id=user
        )
        await uow.commit()
    (letter,) = mailer.sent
    return letter


async def test_a_reminder_carries_a_one_click_link_identity_can_check(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    user = uuid.uuid4()

    letter = await dispatched(settings, uow_factory, "reading_window_reminder", PARAMS, user)

    assert letter.unsubscribe_url is not None
    link = urlsplit(letter.unsubscribe_url)
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{settings.public_base_url}/api/v1/public/unsubscribe"
    named = verify(settings.unsubscribe_secret, parse_qs(link.query)["token"][0])
    assert named is not None and (named.user_id, named.kind) == (user, "reading_window")


def command(template: str, user: uuid.UUID, to: str) -> EventData:
    """The letter as its sender makes it: a reminder to the user (in a batch of one), the bill to
    the user, the receipt to the payer's address and (so the preference can be asked) their user."""
    params = OPTIONAL[template][0]
    if template.endswith("_reminder"):
        return SendReminders(template=template, letters=[Reminder(user_id=user, params=params)])  # type: ignore[arg-type]
    if template == "payment_receipt":
        return SendLetter(template="payment_receipt", to=to, user_id=user, params=params)
    return SendLetter(template=template, user_id=user, params=params)  # type: ignore[arg-type]


async def test_no_letter_of_a_kind_the_person_turned_off_is_sent(
    consumer: Consumer,
    channel: AbstractChannel,
    catcher: MailCatcher,
    settings: NotificationsSettings,
) -> None:
    wants, declined = uuid.uuid4(), uuid.uuid4()
    mail = {user: address() for user in (wants, declined)}
    await consumer()
    for user, to in mail.items():
        await send(channel, UpdateAddressBook(user_id=user, email=to, confirmed=True), "lka.commands")
    everything_off = dict.fromkeys((preference for _, preference in OPTIONAL.values()), False)
    await send(channel, preferences(declined, datetime.now(UTC), **everything_off), "lka.events")
    kept = "SELECT user_id FROM letter_preferences WHERE user_id = $1"
    await eventually(lambda: rows_if(settings, kept, 1, declined), "the preferences kept")

    for template in OPTIONAL:
        for user, to in mail.items():
            letter = command(template, user, to)
            await send(channel, letter, "lka.commands")

    received = await eventually(lambda: rows_if(settings, SENT, len(OPTIONAL), wants), "every letter sent")
    assert sorted(row["template"] for row in received) == sorted(OPTIONAL)
    assert await eventually(lambda: rows_if(settings, TURNED_OFF, len(OPTIONAL), declined)) is not None
    assert len(letters_to(catcher, mail[wants])) == len(OPTIONAL)
    assert not letters_to(catcher, mail[declined])


SENT = "SELECT template FROM letters WHERE user_id = $1 AND status = 'sent'"
TURNED_OFF = "SELECT template FROM letters WHERE user_id = $1 AND status = 'turned_off'"


@pytest.mark.parametrize("template", sorted(OPTIONAL))
async def test_each_letter_a_person_may_turn_off_says_how(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork], template: str
) -> None:
    """Reminders and the bill: `List-Unsubscribe` (identity's API, for the mail client's POST)
    and, in the body, the portal's unsubscribe page with the same token. The receipt: neither,
    only the way to the profile's settings."""
    user = uuid.uuid4()
    params, preference = OPTIONAL[template]

    letter = await dispatched(settings, uow_factory, template, params, user)
    headers = SmtpMailer(settings).compose(letter)
    if template == "payment_receipt":
        assert letter.unsubscribe_url is None
        assert headers["List-Unsubscribe"] is None and headers["List-Unsubscribe-Post"] is None
        assert f"{settings.public_base_url}/profile" in letter.text
        assert "unsubscribe" not in letter.text + (letter.html or "")
        return
    assert letter.unsubscribe_url is not None
    api = urlsplit(letter.unsubscribe_url)
    assert f"{api.scheme}://{api.netloc}{api.path}" == f"{settings.public_base_url}/api/v1/public/unsubscribe"
    assert headers["List-Unsubscribe"] == f"<{letter.unsubscribe_url}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = parse_qs(api.query)["token"][0]
    page = f"{settings.public_base_url}/unsubscribe?token={token}"
    assert page in letter.text
    assert f'href="{page}"' in (letter.html or "")
    named = verify(settings.unsubscribe_secret, token)
    assert named is not None and (named.user_id, named.kind) == (user, preference)
