"""A user of the portal as identity knows it: an e-mail address, a password hash, a role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

SUBSCRIBER_ROLE = "subscriber"
OPERATOR_ROLE = "operator"


@dataclass(frozen=True)
class User:
    id: UUID
    email: str
    password_hash: str
    role: str
    created_at: datetime
    email_confirmed_at: datetime | None
    merged_into: UUID | None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def can_sign_in(self) -> bool:
        """A profile merged into another is gone for sign-in, though its row stays."""
        return self.merged_into is None


def email_key(email: str) -> str:
    """The form an address is compared in: `Ivan@example.ru` and `ivan@example.ru` are one user."""
    return email.strip().lower()
