"""Events published by the notifications service."""

from __future__ import annotations

from uuid import UUID

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import Moment


class FeedbackReceived(EventData):
    """A subscriber sent feedback (обратная связь); it is forwarded to the supplier's mailbox."""

    event_type = "notifications.feedback.received.v1"

    feedback_id: UUID
    topic: str
    received_at: Moment


class NotificationsAuditRecorded(AuditRecorded):
    """A staff action or read notifications recorded in its audit chain (lka_common.audit)."""

    event_type = "notifications.audit.recorded.v1"
    service = "notifications"
