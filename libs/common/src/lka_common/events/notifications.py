"""Events published by the notifications service."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from lka_common.events.base import EventData


class FeedbackReceived(EventData):
    event_type = "notifications.feedback.received.v1"

    feedback_id: UUID
    topic: str
    received_at: datetime
