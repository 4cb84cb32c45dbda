"""Feedback (обратная связь): what a subscriber sends to the supplier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

TOPIC_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5000
FEEDBACK_ACCEPTED = "Ваше обращение отправлено в ГУП РК «Крымэнерго». Спасибо за отзыв!"


@dataclass(frozen=True)
class Feedback:
    id: UUID
    topic: str
    message: str
    email: str
    name: str | None
    user_id: UUID | None
    created_at: datetime
    forwarded_at: datetime | None = None
