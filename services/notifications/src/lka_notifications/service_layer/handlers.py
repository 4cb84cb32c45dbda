"""What the notifications consumer does with each command and event it takes.

Integration events never carry e-mail addresses: the letters that follow them go to the
confirmed address identity keeps in the address book, for every user linked to the account.
An event never sends mail itself: it raises one `SendLetter` command per recipient through
the outbox, so each letter is delivered (and retried) on its own, exactly once. A scheduled
run's `SendReminders` sends nothing either: its letters are kept in `reminders_due`, and the
reminder sender beside the handlers sends them one by one (reminder_sender.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import structlog

from lka_common.commands.notifications import LetterTemplate, SendLetter, SendReminders, UpdateAddressBook
from lka_common.events.accounts import AccountLinked, AccountUnlinked, LinkRequestResolved
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import LetterPreferencesChanged, ProfilesMerged
from lka_common.events.readings import ReadingAccepted, ReadingRejected
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import access, address_book, letter_preferences, reminders_due
from lka_notifications.adapters.mailer import LetterAttachment
from lka_notifications.service_layer.letters import LetterDispatcher

log = structlog.get_logger(__name__)


async def send_letter(dispatcher: LetterDispatcher, uow: UnitOfWork, command: SendLetter, event: CloudEvent) -> None:
    """The one handler that needs the SMTP side: bootstrap binds it to the process's dispatcher."""
    await dispatcher.send(
        uow,
        message_id=event.id,
        template=command.template,
        params=command.params,
        to=command.to,
        user_id=command.user_id,
        reply_to=command.reply_to,
        attachments=tuple(LetterAttachment(a.filename, a.content_type, a.content) for a in command.attachments),
    )


async def keep_reminders(uow: UnitOfWork, command: SendReminders, event: CloudEvent) -> None:
    """A batch of reminders, kept to be sent: the command's claim in the inbox commits with all of
    its letters or none, and no letter is sent inside this transaction (a letter sent and then
    rolled back with the others would be sent again). Each keeps the command's correlation id and
    trace context: sent later, outside this message, a letter is still logged and traced as the
    command's, as a `SendLetter` is."""
    await reminders_due.add(
        uow.session,
        event.id,
        command.template,
        command.letters,
        correlation_id=event.correlationid,
        traceparent=event.traceparent,
        tracestate=event.tracestate,
    )


async def update_address_book(uow: UnitOfWork, command: UpdateAddressBook, event: CloudEvent) -> None:
    await address_book.save_address(uow.session, command.user_id, command.email, command.confirmed)


async def letter_preferences_changed(uow: UnitOfWork, data: LetterPreferencesChanged, event: CloudEvent) -> None:
    chosen = data.model_dump(exclude={"user_id", "changed_at"})
    turned_off = sorted(name for name, wanted in chosen.items() if not wanted)
    await letter_preferences.save(uow.session, data.user_id, turned_off, data.changed_at)


async def account_linked(uow: UnitOfWork, data: AccountLinked, event: CloudEvent) -> None:
    await access.links.account_linked(uow.session, data, event)


async def account_unlinked(uow: UnitOfWork, data: AccountUnlinked, event: CloudEvent) -> None:
    await access.links.account_unlinked(uow.session, data, event)


async def profiles_merged(uow: UnitOfWork, data: ProfilesMerged, event: CloudEvent) -> None:
    await access.links.profiles_merged(uow.session, data, event)
    await _to_user(uow, data.target_user_id, "profiles_merged", {})


async def link_request_resolved(uow: UnitOfWork, data: LinkRequestResolved, event: CloudEvent) -> None:
    params = {"status": data.status, "account_number": data.account_number, "comment": None}
    await _to_user(uow, data.user_id, "link_request_resolved", params)


async def reading_accepted(uow: UnitOfWork, data: ReadingAccepted, event: CloudEvent) -> None:
    await _to_followers(uow, data.account_id, "reading_accepted", {"account_number": data.account_number})


async def reading_rejected(uow: UnitOfWork, data: ReadingRejected, event: CloudEvent) -> None:
    params = {"account_number": data.account_number, "reason": data.reason}
    await _to_followers(uow, data.account_id, "reading_rejected", params)


async def _to_followers(uow: UnitOfWork, account_id: UUID, template: LetterTemplate, params: dict[str, Any]) -> None:
    for user_id in await access.links.users_of(uow.session, account_id):
        await _to_user(uow, user_id, template, params)


async def _to_user(uow: UnitOfWork, user_id: UUID, template: LetterTemplate, params: dict[str, Any]) -> None:
    if await address_book.confirmed_address(uow.session, user_id) is None:
        log.info("letter_skipped_no_confirmed_address", template=template)
        return
    uow.publish(SendLetter(template=template, user_id=user_id, params=params), subject=str(user_id))
