"""Use cases of the feedback form: receive a message (stored, announced, forwarded, confirmed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

import structlog

from lka_common.commands.notifications import SendLetter
from lka_common.events.notifications import FeedbackReceived
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import feedback_repository
from lka_notifications.domain.feedback import Feedback, FeedbackLimitReached

log = structlog.get_logger(__name__)

WINDOW = timedelta(hours=1)


async def submit_feedback(
    uow: UnitOfWork,
    *,
    topic: str,
    message: str,
    email: str,
    name: str | None,
    user_id: UUID | None,
    client_address: str | None,
    mailbox: str,
    limit_per_hour: int,
) -> Feedback:
    now = datetime.now(UTC)
    item = Feedback(
        id=uuid.uuid4(), topic=topic, message=message, email=email, name=name, user_id=user_id, created_at=now
    )
    async with uow:
        if client_address is not None:
            await _check_limit(uow, client_address, now, limit_per_hour)
        await feedback_repository.add(uow.session, item, client_address)
        subject = str(item.id)
        # The event announces it without its text; the letters carry the text on lka.commands,
        # and the relay blanks their stored bodies once the broker has them.
        uow.publish(FeedbackReceived(feedback_id=item.id, topic=topic, received_at=now), subject=subject)
        params = {
            "topic": topic,
            "message": message,
            "email": email,
            "name": name,
            "user_id": str(user_id) if user_id else None,
            "received_at": f"{now:%d.%m.%Y %H:%M} UTC",
        }
        uow.publish(SendLetter(template="feedback_forward", to=mailbox, params=params), subject=subject)
        uow.publish(
            SendLetter(template="feedback_received", to=email, user_id=user_id, params={"topic": topic, "name": name}),
            subject=subject,
        )
        await uow.commit()
    log.info("feedback_received", feedback_id=str(item.id))
    return item


async def _check_limit(uow: UnitOfWork, client_address: str, now: datetime, limit: int) -> None:
    await feedback_repository.lock_client(uow.session, client_address)
    count, oldest = await feedback_repository.oldest_since(uow.session, client_address, now - WINDOW)
    if count >= limit and oldest is not None:
        retry_after = max(int((oldest + WINDOW - now).total_seconds()) + 1, 1)
        raise FeedbackLimitReached(retry_after)
