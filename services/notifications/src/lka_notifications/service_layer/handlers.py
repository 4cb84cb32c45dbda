"""What the notifications consumer does with each command and event it takes.

Integration events never carry e-mail addresses: the letters that follow them go to the
confirmed address identity keeps in the address book, for every user linked to the account.
An event never sends mail itself: it raises one `SendLetter` command per recipient through
the outbox, so each letter is delivered (and retried) on its own, exactly once.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import structlog

from lka_common.commands.notifications import LetterTemplate, SendLetter, UpdateAddressBook
from lka_common.events.accounts import AccountLinked, AccountUnlinked, LinkRequestResolved
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import ProfilesMerged
from lka_common.events.readings import ReadingAccepted, ReadingRejected
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import address_book
from lka_notifications.service_layer.letters import LetterDispatcher

log = structlog.get_logger(__name__)


class NotificationHandlers:
    def __init__(self, dispatcher: LetterDispatcher) -> None:
        self._dispatcher = dispatcher

    async def send_letter(self, uow: UnitOfWork, command: SendLetter, event: CloudEvent) -> None:
        recipient = command.to
        if recipient is None and command.user_id is not None:
            recipient = await address_book.confirmed_address(uow.session, command.user_id)
        if recipient is None:
            log.warning("letter_without_address", template=command.template)
            return
        await self._dispatcher.deliver(
            uow,
            message_id=event.id,
            template=command.template,
            recipient=recipient,
            params=command.params,
            user_id=command.user_id,
        )

    async def update_address_book(self, uow: UnitOfWork, command: UpdateAddressBook, event: CloudEvent) -> None:
        await address_book.save_address(uow.session, command.user_id, command.email, command.confirmed)

    async def account_linked(self, uow: UnitOfWork, data: AccountLinked, event: CloudEvent) -> None:
        await address_book.follow(uow.session, data.account_id, data.user_id)

    async def account_unlinked(self, uow: UnitOfWork, data: AccountUnlinked, event: CloudEvent) -> None:
        await address_book.unfollow(uow.session, data.account_id, data.user_id)

    async def profiles_merged(self, uow: UnitOfWork, data: ProfilesMerged, event: CloudEvent) -> None:
        await address_book.move_follows(uow.session, data.source_user_id, data.target_user_id)
        await self._to_user(uow, data.target_user_id, "profiles_merged", {})

    async def link_request_resolved(self, uow: UnitOfWork, data: LinkRequestResolved, event: CloudEvent) -> None:
        params = {"status": data.status, "account_number": data.account_number, "comment": None}
        await self._to_user(uow, data.user_id, "link_request_resolved", params)

    async def reading_accepted(self, uow: UnitOfWork, data: ReadingAccepted, event: CloudEvent) -> None:
        await self._to_followers(uow, data.account_id, "reading_accepted", {"account_number": data.account_number})

    async def reading_rejected(self, uow: UnitOfWork, data: ReadingRejected, event: CloudEvent) -> None:
        params = {"account_number": data.account_number, "reason": data.reason}
        await self._to_followers(uow, data.account_id, "reading_rejected", params)

    async def _to_followers(
        self, uow: UnitOfWork, account_id: UUID, template: LetterTemplate, params: dict[str, Any]
    ) -> None:
        for user_id in await address_book.followers(uow.session, account_id):
            await self._to_user(uow, user_id, template, params)

    async def _to_user(self, uow: UnitOfWork, user_id: UUID, template: LetterTemplate, params: dict[str, Any]) -> None:
        if await address_book.confirmed_address(uow.session, user_id) is None:
            log.info("letter_skipped_no_confirmed_address", template=template)
            return
        uow.publish(SendLetter(template=template, user_id=user_id, params=params), subject=str(user_id))
