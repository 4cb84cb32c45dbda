"""Use cases of the feedback form: receive a message, forward it to the supplier's mailbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

import structlog

from lka_common.events.envelope import CloudEvent
from lka_common.events.notifications import FeedbackReceived
from lka_common.messaging.consumer import Handler
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import feedback_repository
from lka_notifications.adapters.mailer import Letter, SmtpMailer
from lka_notifications.domain.feedback import Feedback

log = structlog.get_logger(__name__)


async def submit_feedback(
    uow: UnitOfWork,
    *,
    topic: str,
    message: str,
    email: str,
    name: str | None,
    user_id: UUID | None,
    client_address: str | None,
) -> Feedback:
    item = Feedback(
        id=uuid.uuid4(),
        topic=topic,
        message=message,
        email=email,
        name=name,
        user_id=user_id,
        created_at=datetime.now(UTC),
    )
    async with uow:
        await feedback_repository.add(uow.session, item, client_address)
        uow.publish(
            FeedbackReceived(feedback_id=item.id, topic=topic, received_at=item.created_at), subject=str(item.id)
        )
        await uow.commit()
    log.info("feedback_received", feedback_id=str(item.id))
    return item


def feedback_letter(item: Feedback, mailbox: str) -> Letter:
    author = f"{item.name} <{item.email}>" if item.name else item.email
    text = (
        f"Обращение из «Личного кабинета абонента»\n\n"
        f"Тема: {item.topic}\n"
        f"От: {author}\n"
        f"Получено: {item.created_at:%d.%m.%Y %H:%M} UTC\n\n"
        f"{item.message}\n"
    )
    return Letter(
        to=mailbox,
        subject=f"Обратная связь ЛКА: {item.topic}",
        text=text,
        reply_to=item.email,
        idempotency_key=f"feedback-{item.id}",
    )


def forward_feedback(mailer: SmtpMailer, mailbox: str) -> Handler:
    """Handler of `notifications.feedback.received.v1`: mail it to the supplier once."""

    async def handle(uow: UnitOfWork, data: FeedbackReceived, event: CloudEvent) -> None:
        item = await feedback_repository.get_for_update(uow.session, data.feedback_id)
        if item is None or item.forwarded_at is not None:
            log.info("feedback_forward_skipped", feedback_id=str(data.feedback_id))
            return
        await mailer.send(feedback_letter(item, mailbox))
        await feedback_repository.mark_forwarded(uow.session, item.id)
        log.info("feedback_forwarded", feedback_id=str(item.id))

    return handle
