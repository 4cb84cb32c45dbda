"""Request and response bodies of the notifications API (docs/contract.md §2 "notifications")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from lka_common.schemas import EmailAddress, RequestModel, ResponseModel
from lka_notifications.domain.appeals import (
    TEXT_MAX_LENGTH,
    TOPIC_TITLES,
    Appeal,
    AppealMessage,
    AppealStatus,
    Author,
)
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


# --- Appeals (обращения) ----------------------------------------------------------------------


class AppealFormIn(RequestModel):
    """The plain fields of `POST /appeals` (multipart; the files are `attachments`)."""

    topic: str = Field(min_length=1, max_length=50)
    text: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH)
    account_id: UUID | None = None


class AppealMessageIn(RequestModel):
    """The plain field of a message (multipart; the files are `attachments`)."""

    text: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH)


class AssignIn(RequestModel):
    user_id: UUID


class TopicOut(ResponseModel):
    code: str
    title: str


class AppealRegisteredOut(ResponseModel):
    id: UUID
    number: str
    status: AppealStatus
    message: str


class AttachmentOut(ResponseModel):
    id: UUID
    name: str
    size: int
    content_type: str


class AppealMessageOut(ResponseModel):
    id: UUID
    author: Author
    text: str
    attachments: list[AttachmentOut]
    at: datetime


class AppealOut(ResponseModel):
    id: UUID
    number: str
    topic: str
    topic_title: str
    account_id: UUID | None
    status: AppealStatus
    registered_at: datetime
    due_date: date
    overdue: bool
    updated_at: datetime


class AppealDetailOut(AppealOut):
    messages: list[AppealMessageOut]


class StaffAppealOut(AppealOut):
    """The appeals desk's row: whose it is and who took it, too."""

    user_id: UUID
    assignee_id: UUID | None


def appeal_out(appeal: Appeal, today: date) -> dict[str, Any]:
    return {
        "id": appeal.id,
        "number": appeal.number,
        "topic": appeal.topic,
        "topic_title": TOPIC_TITLES.get(appeal.topic, appeal.topic),
        "account_id": appeal.account_id,
        "status": appeal.status,
        "registered_at": appeal.registered_at,
        "due_date": appeal.due_date,
        "overdue": appeal.overdue(today),
        "updated_at": appeal.updated_at,
    }


def message_out(message: AppealMessage) -> AppealMessageOut:
    return AppealMessageOut(
        id=message.id,
        author=message.author,
        text=message.text,
        attachments=[AttachmentOut.model_validate(a, from_attributes=True) for a in message.attachments],
        at=message.at,
    )
