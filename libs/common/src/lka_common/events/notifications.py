"""Events published by the notifications service."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import Moment


class FeedbackReceived(EventData):
    """A subscriber sent feedback (обратная связь); it is forwarded to the supplier's mailbox."""

    event_type = "notifications.feedback.received.v1"

    feedback_id: UUID
    topic: str
    received_at: Moment


AppealStatus = Literal["registered", "in_work", "answered", "closed"]


class AppealEvent(EventData):
    """What every appeal event (обращение) carries: which appeal, whose, its topic and the status
    it has now. Never its text nor its files: they stay in the notifications database."""

    appeal_id: UUID
    number: str = Field(description="The appeal's number, per year: 2026-000123.")
    user_id: UUID
    topic: str = Field(description="The topic's code (GET /appeals/topics).")
    status: AppealStatus
    at: Moment


class AppealRegistered(AppealEvent):
    """A subscriber filed an appeal; it is due in 10 working days."""

    event_type = "notifications.appeal.registered.v1"


class AppealAnswered(AppealEvent):
    """The supplier's staff answered an appeal (the author gets a letter)."""

    event_type = "notifications.appeal.answered.v1"


class AppealClosed(AppealEvent):
    """The author closed their appeal."""

    event_type = "notifications.appeal.closed.v1"


class NotificationsAuditRecorded(AuditRecorded):
    """A staff action or read notifications recorded in its audit chain (lka_common.audit)."""

    event_type = "notifications.audit.recorded.v1"
    service = "notifications"
