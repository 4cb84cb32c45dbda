"""The notifications service's nouns: a feedback message (обратная связь) and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

TOPIC_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Feedback:
    id: UUID
    topic: str
    message: str
    email: str
    name: str | None
    user_id: UUID | None
    created_at: datetime
