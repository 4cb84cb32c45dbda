"""Commands the notifications service takes: send a letter, keep its address book current.

Another service sends one in a line, inside its unit of work:
`uow.publish(SendLetter(template="password_reset", to=email, params={"link": link}), subject=str(user_id))`.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

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
    "feedback_forward",
    "feedback_received",
    "staff_invitation",
    "email_change_confirm",
    "email_change_notice_in_use",
    "email_changed",
    "new_sign_in",
]


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

    @model_validator(mode="after")
    def _has_a_recipient(self) -> SendLetter:
        if self.to is None and self.user_id is None:
            raise ValueError("a letter needs `to` or `user_id`")
        return self


class UpdateAddressBook(EventData):
    """Identity tells notifications where a user's letters go, and whether the address is confirmed."""

    event_type = "notifications.address_book.update.v1"
    exchange = COMMANDS_EXCHANGE

    user_id: UUID
    email: str
    confirmed: bool
