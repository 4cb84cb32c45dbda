"""Events published by the notifications service."""

from __future__ import annotations

from uuid import UUID

from lka_common.events.base import EventData
from lka_common.events.fields import Moment


class FeedbackReceived(EventData):
    """A subscriber sent feedback (обратная связь); it is forwarded to the supplier's mailbox."""

    event_type = "notifications.feedback.received.v1"

    feedback_id: UUID
    topic: str
    received_at: Moment
