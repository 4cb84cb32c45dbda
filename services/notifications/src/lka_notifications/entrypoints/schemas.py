"""Request and response bodies of the notifications API (docs/contract.md §2 "notifications")."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from lka_common.schemas import EmailAddress, RequestModel, ResponseModel
from lka_notifications.domain.model import MESSAGE_MAX_LENGTH, TOPIC_MAX_LENGTH


class FeedbackIn(RequestModel):
    topic: str = Field(min_length=1, max_length=TOPIC_MAX_LENGTH)
    message: str = Field(min_length=1, max_length=MESSAGE_MAX_LENGTH)
    email: EmailAddress | None = None
    name: str | None = Field(default=None, max_length=200)


class FeedbackAccepted(ResponseModel):
    id: UUID
    message: str


class FeedbackOut(ResponseModel):
    id: UUID
    topic: str
    message: str
    email: str
    name: str | None
    user_id: UUID | None
    created_at: datetime
