"""The notifications service's nouns: a feedback message (обратная связь) and its limits,
where a letter stands in the delivery log, and a reminder letter waiting to be sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
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


# `turned_off`: a reminder the person turned off in `/profile/notifications`, not sent.
LetterStatus = Literal["sent", "suppressed", "turned_off", "retrying", "failed"]


@dataclass(frozen=True)
class LetterState:
    """A letter's row in the delivery log: its status and how many sends were tried."""

    status: LetterStatus
    attempts: int

    @property
    def delivered(self) -> bool:
        """Sent, or deliberately not sent (over the recipient's cap, turned off): never to be tried again."""
        return self.status in ("sent", "suppressed", "turned_off")


@dataclass(frozen=True)
class DueReminder:
    """A reminder letter waiting in `reminders_due`: the `position`th letter of the command
    `message_id`, how many attempts to send it failed, and the command's correlation id and W3C
    trace context (`traceparent`, `tracestate` when there is one), which its sending continues:
    none in a letter kept before they were."""

    id: int
    message_id: str
    position: int
    template: str
    user_id: UUID
    params: dict[str, Any]
    attempts: int
    correlation_id: str | None
    trace_context: dict[str, str]

    @property
    def letter_id(self) -> str:
        """What the delivery log keys the letter by, as a `SendLetter`'s event id: one per letter
        of the command, the same at every attempt."""
        return f"{self.message_id}/{self.position}"
