"""Commands the notifications service takes: send a letter, keep its address book current.

Another service sends one in a line, inside its unit of work:
`uow.publish(SendLetter(template="password_reset", to=email, params={"link": link}), subject=str(user_id))`.
"""

from __future__ import annotations

import base64
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import TypedDict  # pydantic reads typing's own only from Python 3.12

from lka_common.events.base import EventData
from lka_common.messaging.topology import COMMANDS_EXCHANGE

# Every letter the portal sends; each has its templates in lka_notifications/templates/.
LetterTemplate = Literal[
    "email_confirmation",
    "registration_repeated",
    "password_reset",
    "password_changed",
    "profiles_merged",
    "link_request_resolved",
    "reading_accepted",
    "reading_rejected",
    "payment_receipt",
    "payment_refunded",
    "feedback_forward",
    "feedback_received",
    "staff_invitation",
    "email_change_confirm",
    "email_change_notice_in_use",
    "email_changed",
    "new_sign_in",
    "bill_issued",
    "autopay_reminder",
    "autopay_result",
    "appeal_answered",
    "reading_window_reminder",
    "verification_due_reminder",
    "debt_reminder",
]

# Attachments travel inside the command (base64), so a letter is whole when it leaves its
# sender: no call back for the file when the letter goes out, and a retry sends the very file
# made then. The bound keeps a command well inside a message the broker and the outbox carry
# without trouble (a bill is about 40 KB); the sender's outbox blanks the body once it is sent.
MAX_ATTACHMENTS_BYTES = 1024 * 1024


class Attachment(BaseModel):
    """A file attached to a letter (today: a bill as PDF)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    filename: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
    content_type: Literal["application/pdf"]
    content_base64: str

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.content_base64, validate=True)

    @classmethod
    def of(cls, filename: str, content_type: Literal["application/pdf"], content: bytes) -> Attachment:
        return cls(filename=filename, content_type=content_type, content_base64=base64.b64encode(content).decode())


class SendLetter(EventData):
    """Send one letter: to an explicit address, or to a user's confirmed address from the address book."""

    event_type = "notifications.letter.send.v1"
    exchange = COMMANDS_EXCHANGE
    sensitive = True  # links with tokens travel in `params`

    template: LetterTemplate
    to: str | None = Field(default=None, description="Explicit recipient; else the address book entry of user_id.")
    user_id: UUID | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    reply_to: str | None = Field(default=None, description="Where the recipient's answer goes (a feedback's author).")
    attachments: list[Attachment] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _has_a_recipient(self) -> SendLetter:
        if self.to is None and self.user_id is None:
            raise ValueError("a letter needs `to` or `user_id`")
        return self

    @model_validator(mode="after")
    def _attachments_within_bound(self) -> SendLetter:
        # base64 is 4 characters per 3 bytes: bounding the text bounds the files.
        if sum(len(a.content_base64) for a in self.attachments) * 3 // 4 > MAX_ATTACHMENTS_BYTES:
            raise ValueError(f"attachments above {MAX_ATTACHMENTS_BYTES} bytes")
        return self


# The letters a scheduled run sends; each is one the person may turn off (/profile/notifications).
ReminderTemplate = Literal["reading_window_reminder", "verification_due_reminder", "debt_reminder"]

# A command's letters at most: a batch of a run makes one command per this many letters, so a
# command stays a message of a few hundred kilobytes however many people share the batch's accounts.
MAX_REMINDERS_PER_COMMAND = 2000


class Reminder(TypedDict):
    """One reminder letter of a `SendReminders`: to a user's confirmed address, with its parameters.
    A plain dict, validated where it is read: a run builds a thousand per batch, and a model each
    cost it more than the rest of its Python together."""

    user_id: UUID
    params: dict[str, Any]


class SendReminders(EventData):
    """A batch of a scheduled run's reminders of one kind, one command for up to
    MAX_REMINDERS_PER_COMMAND letters: a run over a million accounts writes a thousand commands
    to its outbox, not a million. It has a routing key of its own, so it waits in its own queue,
    `notifications.reminders`, and never stands in front of a transactional letter; notifications
    keeps its letters and sends them one by one at its own pace (docs/messaging.md, "Reminders")."""

    event_type = "notifications.reminders.send.v1"
    exchange = COMMANDS_EXCHANGE
    sensitive = False  # no link with a secret: the unsubscribe link is signed where the letter is sent

    template: ReminderTemplate
    letters: list[Reminder] = Field(min_length=1, max_length=MAX_REMINDERS_PER_COMMAND)

    @classmethod
    def of(cls, template: ReminderTemplate, letters: list[tuple[UUID, dict[str, Any]]]) -> list[SendReminders]:
        """The commands that carry `letters` (user, params), in order, as few as the bound allows.

        Built without validation (`model_construct`): the values are the caller's own, typed, and
        the bound is kept here; validating a thousand letters cost a run over a million accounts a
        third of its Python (docs/performance.md "Reminders"). A consumer validates what it reads."""
        step = MAX_REMINDERS_PER_COMMAND
        chunks = (letters[i : i + step] for i in range(0, len(letters), step))
        return [
            cls.model_construct(template=template, letters=[Reminder(user_id=u, params=p) for u, p in chunk])
            for chunk in chunks
        ]


class UpdateAddressBook(EventData):
    """Identity tells notifications where a user's letters go, and whether the address is confirmed."""

    event_type = "notifications.address_book.update.v1"
    exchange = COMMANDS_EXCHANGE

    user_id: UUID
    email: str
    confirmed: bool
