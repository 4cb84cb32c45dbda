"""The read side, each in a short transaction: the feedback operators list, newest first; a
subscriber's appeals and the appeals desk's list; an appeal's conversation and files, for
its author or for staff (the routes audit what staff read)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from lka_common.auth import Principal
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import appeals_repository, feedback_repository
from lka_notifications.domain.appeals import Appeal, AppealStatus, AppealThread, AttachmentInfo
from lka_notifications.domain.errors import AppealNotFound, AttachmentNotFound
from lka_notifications.domain.model import Feedback


async def newest_feedback(uow: UnitOfWork, limit: int, offset: int) -> list[Feedback]:
    async with uow:
        return await feedback_repository.newest(uow.session, limit, offset)


async def appeals_of(uow: UnitOfWork, user_id: UUID, limit: int, offset: int) -> list[Appeal]:
    async with uow:
        return await appeals_repository.of_user(uow.session, user_id, limit, offset)


async def appeal_thread(uow: UnitOfWork, appeal_id: UUID, reader: Principal) -> AppealThread:
    """The appeal and its conversation, for its author or for staff; anyone else gets
    AppealNotFound, as for an appeal that does not exist."""
    async with uow:
        appeal = await appeals_repository.get(uow.session, appeal_id)
        if appeal is None or not _may_read(appeal, reader):
            raise AppealNotFound
        return await appeals_repository.thread(uow.session, appeal)


async def appeal_attachment(
    uow: UnitOfWork, appeal_id: UUID, attachment_id: UUID, reader: Principal
) -> tuple[AttachmentInfo, bytes]:
    async with uow:
        appeal = await appeals_repository.get(uow.session, appeal_id)
        if appeal is None or not _may_read(appeal, reader):
            raise AppealNotFound
        found = await appeals_repository.attachment(uow.session, appeal_id, attachment_id)
    if found is None:
        raise AttachmentNotFound
    return found


async def appeals_for_staff(
    uow: UnitOfWork,
    *,
    status: AppealStatus | None,
    assignee_id: UUID | None,
    overdue: bool,
    today: date,
    limit: int,
    offset: int,
) -> list[Appeal]:
    async with uow:
        return await appeals_repository.for_staff(
            uow.session,
            status=status,
            assignee_id=assignee_id,
            overdue_on=today if overdue else None,
            limit=limit,
            offset=offset,
        )


def _may_read(appeal: Appeal, reader: Principal) -> bool:
    return reader.is_staff or appeal.user_id == reader.user_id
