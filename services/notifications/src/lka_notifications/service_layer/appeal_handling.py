"""Appeals (обращения): a subscriber files one and replies, the staff take it and answer, the
author closes it. Each use case runs in one unit of work: the appeal row is locked while it
changes, its events and the letter to its author are raised through the outbox with it.

Files are judged before the transaction opens (drawing an image again is CPU work, done in a
worker thread), so a refused file costs no database work.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog

from lka_common.audit import AuditStep
from lka_common.commands.notifications import SendLetter
from lka_common.events.notifications import AppealAnswered, AppealClosed, AppealEvent, AppealRegistered
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import access, appeals_repository, images
from lka_notifications.domain import attachments, working_days
from lka_notifications.domain.appeals import (
    TOPIC_TITLES,
    Appeal,
    AppealMessage,
    Author,
    appeal_number,
    next_status,
)
from lka_notifications.domain.attachments import StoredFile, Upload
from lka_notifications.domain.errors import (
    AccountNotLinked,
    AppealNotFound,
    NotStaff,
    UnknownTopic,
    UnsupportedAttachment,
)

log = structlog.get_logger(__name__)


async def judge_files(uploads: Sequence[Upload]) -> list[StoredFile]:
    """Each upload by its content: JPEG and PNG drawn again without metadata, PDF kept as it
    is; anything else, or an image that cannot be read, is UnsupportedAttachment."""
    judged = []
    for upload in uploads:
        content_type = attachments.content_type_of(upload.content)
        if content_type is None:
            raise UnsupportedAttachment
        if content_type == "application/pdf":
            if not attachments.looks_like_pdf(upload.content):
                raise UnsupportedAttachment
            content = upload.content
        else:
            content = await asyncio.to_thread(images.without_metadata, upload.content, content_type)
        judged.append(StoredFile(attachments.stored_name(upload.name, content_type), content_type, content))
    return judged


async def register(
    uow: UnitOfWork,
    *,
    user_id: UUID,
    topic: str,
    text: str,
    account_id: UUID | None,
    files: Sequence[StoredFile],
    now: datetime | None = None,
) -> Appeal:
    if topic not in TOPIC_TITLES:
        raise UnknownTopic
    now = now or datetime.now(UTC)
    async with uow:
        if account_id is not None and await access.links.linked_row(uow.session, account_id, user_id) is None:
            raise AccountNotLinked
        year = working_days.local_date(now).year
        appeal = Appeal(
            id=uuid.uuid4(),
            number=appeal_number(year, await appeals_repository.next_number(uow.session, year)),
            user_id=user_id,
            account_id=account_id,
            topic=topic,
            status="registered",
            assignee_id=None,
            registered_at=now,
            due_date=working_days.due_date(now),
            updated_at=now,
        )
        await appeals_repository.add(uow.session, appeal)
        await _add_message(uow, appeal, "subscriber", user_id, text, files, now)
        _announce(uow, AppealRegistered, appeal, now)
        await uow.commit()
    log.info("appeal_registered", appeal_id=str(appeal.id), number=appeal.number)
    return appeal


async def reply(
    uow: UnitOfWork, appeal_id: UUID, user_id: UUID, text: str, files: Sequence[StoredFile]
) -> AppealMessage:
    """The author's message: an answered appeal goes back to work."""
    now = datetime.now(UTC)
    async with uow:
        appeal = await _own(uow, appeal_id, user_id)
        status = next_status(appeal.status, "reply")
        if status != appeal.status:
            await appeals_repository.change(uow.session, appeal.id, status, appeal.assignee_id, now)
        message = await _add_message(uow, appeal, "subscriber", user_id, text, files, now)
        await uow.commit()
    return message


async def close(uow: UnitOfWork, appeal_id: UUID, user_id: UUID) -> Appeal:
    now = datetime.now(UTC)
    async with uow:
        appeal = await _own(uow, appeal_id, user_id)
        status = next_status(appeal.status, "close")
        await appeals_repository.change(uow.session, appeal.id, status, appeal.assignee_id, now)
        closed = _with(appeal, status=status, updated_at=now)
        _announce(uow, AppealClosed, closed, now)
        await uow.commit()
    return closed


async def remember_staff(uow: UnitOfWork, user_id: UUID, role: str) -> None:
    """A staff member at the appeals desk: from now on appeals can be assigned to them."""
    async with uow:
        await appeals_repository.remember_staff(uow.session, user_id, role, datetime.now(UTC))
        await uow.commit()


async def assign(uow: UnitOfWork, appeal_id: UUID, staff_id: UUID, assignee_id: UUID, step: AuditStep) -> Appeal:
    """To the caller, or to a staff member seen at the desk (README, "Appeals")."""
    now = datetime.now(UTC)
    async with uow:
        appeal = await _locked(uow, appeal_id)
        if assignee_id != staff_id and not await appeals_repository.is_known_staff(uow.session, assignee_id):
            raise NotStaff
        status = next_status(appeal.status, "assign")
        await appeals_repository.change(uow.session, appeal.id, status, assignee_id, now)
        await step.record(uow)
        await uow.commit()
    return _with(appeal, status=status, assignee_id=assignee_id, updated_at=now)


async def answer(
    uow: UnitOfWork, appeal_id: UUID, staff_id: UUID, text: str, files: Sequence[StoredFile], step: AuditStep
) -> AppealMessage:
    """Staff's answer: the appeal is answered (taken by whoever answers it, if nobody had), its
    author gets a letter with a link to it, and the event says so without the text."""
    now = datetime.now(UTC)
    async with uow:
        appeal = await _locked(uow, appeal_id)
        status = next_status(appeal.status, "answer")
        answered = _with(appeal, status=status, assignee_id=appeal.assignee_id or staff_id, updated_at=now)
        await appeals_repository.change(uow.session, appeal.id, status, answered.assignee_id, now)
        message = await _add_message(uow, appeal, "staff", staff_id, text, files, now)
        _announce(uow, AppealAnswered, answered, now)
        params = {"appeal_id": str(appeal.id), "number": appeal.number, "topic": TOPIC_TITLES[appeal.topic]}
        uow.publish(
            SendLetter(template="appeal_answered", user_id=appeal.user_id, params=params), subject=str(appeal.id)
        )
        await step.record(uow)
        await uow.commit()
    return message


async def _own(uow: UnitOfWork, appeal_id: UUID, user_id: UUID) -> Appeal:
    appeal = await _locked(uow, appeal_id)
    if appeal.user_id != user_id:
        raise AppealNotFound
    return appeal


async def _locked(uow: UnitOfWork, appeal_id: UUID) -> Appeal:
    appeal = await appeals_repository.get(uow.session, appeal_id, for_update=True)
    if appeal is None:
        raise AppealNotFound
    return appeal


async def _add_message(
    uow: UnitOfWork,
    appeal: Appeal,
    author: Author,
    author_user_id: UUID,
    text: str,
    files: Sequence[StoredFile],
    now: datetime,
) -> AppealMessage:
    message = AppealMessage(id=uuid.uuid4(), author=author, author_user_id=author_user_id, text=text, at=now)
    stored = await appeals_repository.add_message(uow.session, appeal.id, message, files)
    return AppealMessage(message.id, author, author_user_id, text, now, stored)


def _announce(uow: UnitOfWork, event: type[AppealEvent], appeal: Appeal, now: datetime) -> None:
    uow.publish(
        event(
            appeal_id=appeal.id,
            number=appeal.number,
            user_id=appeal.user_id,
            topic=appeal.topic,
            status=appeal.status,
            at=now,
        ),
        subject=str(appeal.id),
    )


def _with(appeal: Appeal, **changes: Any) -> Appeal:
    return replace(appeal, **changes)
