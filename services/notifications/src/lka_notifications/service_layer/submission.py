"""Submitting the feedback form: the message is stored, announced, forwarded to the supplier's
mailbox and confirmed to its sender, all in one transaction (the outbox)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import structlog

from lka_common import attempts
from lka_common.commands.notifications import SendLetter
from lka_common.events.notifications import FeedbackReceived
from lka_common.throttling import Limit
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import feedback_repository
from lka_notifications.domain.errors import EmailRequired, FeedbackLimitReached
from lka_notifications.domain.model import Feedback
from lka_notifications.settings import NotificationsSettings

log = structlog.get_logger(__name__)

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class FeedbackRules:
    """Where feedback is forwarded, and how many messages one client address may send an hour."""

    mailbox: str
    per_client_per_hour: int

    @classmethod
    def from_settings(cls, settings: NotificationsSettings) -> FeedbackRules:
        return cls(settings.feedback_mailbox, settings.feedback_per_client_per_hour)


async def submit_feedback(
    uow: UnitOfWork,
    rules: FeedbackRules,
    *,
    topic: str,
    message: str,
    form_email: str | None,
    name: str | None,
    user_id: UUID | None,
    profile_email: str | None,
    client_address: str | None,
) -> Feedback:
    # Signed in, the reply goes to the profile's address; anonymous, the form must give one.
    email = profile_email or form_email
    if email is None:
        raise EmailRequired
    now = datetime.now(UTC)
    item = Feedback(
        id=uuid.uuid4(), topic=topic, message=message, email=email, name=name, user_id=user_id, created_at=now
    )
    async with uow:
        if client_address is not None:
            await _check_limit(uow, client_address, now, rules.per_client_per_hour)
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
        # The supplier answers the author straight from the mailbox.
        forward = SendLetter(template="feedback_forward", to=rules.mailbox, params=params, reply_to=email)
        uow.publish(forward, subject=subject)
        uow.publish(
            SendLetter(template="feedback_received", to=email, user_id=user_id, params={"topic": topic, "name": name}),
            subject=subject,
        )
        await uow.commit()
    log.info("feedback_received", feedback_id=str(item.id))
    return item


async def _check_limit(uow: UnitOfWork, client_address: str, now: datetime, limit: int) -> None:
    # Locked until the commit, so parallel messages from one address are all counted.
    await attempts.lock(uow.session, feedback_repository.BY_CLIENT, client_address)
    wait = await attempts.seconds_to_wait(
        uow.session, feedback_repository.BY_CLIENT, client_address, Limit(limit, WINDOW), now
    )
    if wait is not None:
        raise FeedbackLimitReached(wait)
