"""An appeal (обращение): a subscriber's written question to the supplier, its conversation with
the staff, and where it stands.

Statuses go registered → in_work (an operator took it) → answered (staff answered) → closed
(the author closed it). A reply of the author reopens an answered appeal (back to in_work, its
assignee kept); nothing moves a closed one. Staff may answer an appeal nobody took yet: it goes
straight to answered. The due date is fixed at registration (domain/working_days.py) and stays
when the appeal is reopened: overdue is "still waiting for the supplier past it".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from lka_notifications.domain.errors import AppealClosed

AppealStatus = Literal["registered", "in_work", "answered", "closed"]
Author = Literal["subscriber", "staff"]
Step = Literal["assign", "answer", "reply", "close"]

TEXT_MAX_LENGTH = 5000

# What moves each status; a closed appeal is in no row (AppealClosed).
TRANSITIONS: dict[Step, dict[AppealStatus, AppealStatus]] = {
    "assign": {"registered": "in_work", "in_work": "in_work", "answered": "answered"},
    "answer": {"registered": "answered", "in_work": "answered", "answered": "answered"},
    "reply": {"registered": "registered", "in_work": "in_work", "answered": "in_work"},
    "close": {"registered": "closed", "in_work": "closed", "answered": "closed"},
}
# Waiting for the supplier: past the due date in one of these, an appeal is overdue.
AWAITING_SUPPLIER: frozenset[AppealStatus] = frozenset({"registered", "in_work"})


def next_status(current: AppealStatus, step: Step) -> AppealStatus:
    moved = TRANSITIONS[step].get(current)
    if moved is None:
        raise AppealClosed
    return moved


@dataclass(frozen=True)
class Topic:
    code: str
    title: str


# The feedback form's topics (web's «Обратная связь»), with stable codes for the events.
TOPICS: tuple[Topic, ...] = (
    Topic("accounts", "Лицевые счета"),
    Topic("payments", "Оплата"),
    Topic("readings", "Показания приборов учета"),
    Topic("sign_in", "Регистрация и вход"),
    Topic("portal", "Работа личного кабинета"),
    Topic("proposal", "Предложение"),
    Topic("other", "Другое"),
)
TOPIC_TITLES = {topic.code: topic.title for topic in TOPICS}


def appeal_number(year: int, sequence: int) -> str:
    """The number a subscriber quotes: the year and its counter, «2026-000123»."""
    return f"{year}-{sequence:06d}"


@dataclass(frozen=True)
class Appeal:
    id: UUID
    number: str
    user_id: UUID
    account_id: UUID | None
    topic: str
    status: AppealStatus
    assignee_id: UUID | None
    registered_at: datetime
    due_date: date
    updated_at: datetime

    def overdue(self, today: date) -> bool:
        return self.status in AWAITING_SUPPLIER and today > self.due_date


@dataclass(frozen=True)
class AttachmentInfo:
    """A stored file as a message lists it (its bytes are fetched one at a time)."""

    id: UUID
    name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class AppealMessage:
    id: UUID
    author: Author
    author_user_id: UUID
    text: str
    at: datetime
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class AppealThread:
    """An appeal with its conversation, oldest message first."""

    appeal: Appeal
    messages: tuple[AppealMessage, ...]
