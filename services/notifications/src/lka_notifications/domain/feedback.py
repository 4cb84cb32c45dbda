"""Feedback (обратная связь): what a subscriber sends to the supplier, and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

TOPIC_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5000
FEEDBACK_ACCEPTED = "Ваше обращение отправлено в ГУП РК «Крымэнерго». Спасибо за отзыв!"
EMAIL_REQUIRED = "Укажите адрес электронной почты, чтобы мы могли ответить"


@dataclass(frozen=True)
class Feedback:
    id: UUID
    topic: str
    message: str
    email: str
    name: str | None
    user_id: UUID | None
    created_at: datetime


class FeedbackLimitReached(Exception):
    """Too many messages from one client address within the hour."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s
