"""The read side: the feedback operators list, newest first, in a short transaction."""

from __future__ import annotations

from lka_common.uow import UnitOfWork
from lka_notifications.adapters import feedback_repository
from lka_notifications.domain.model import Feedback


async def newest_feedback(uow: UnitOfWork, limit: int, offset: int) -> list[Feedback]:
    async with uow:
        return await feedback_repository.newest(uow.session, limit, offset)
