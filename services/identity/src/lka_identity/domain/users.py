"""A user of the portal as identity knows it: an e-mail address, a password hash, a role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

# The values of lka_common.auth's roles (the domain does not import it: it pulls in FastAPI;
# a test keeps the two equal). Subscribers register themselves, staff are made by `make
# operator`: no address is both, and no profile moves from one to the other (migration 0004).
SUBSCRIBER_ROLE = "subscriber"
OPERATOR_ROLE = "operator"
SUPERVISOR_ROLE = "supervisor"
STAFF_ROLES = frozenset({OPERATOR_ROLE, SUPERVISOR_ROLE})


@dataclass(frozen=True)
class User:
    id: UUID
    email: str
    password_hash: str
    role: str
    created_at: datetime
    email_confirmed_at: datetime | None
    merged_into: UUID | None
    # Staff only: a supervisor disabled the profile (no sign-in, every session ended).
    disabled_at: datetime | None = None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def can_sign_in(self) -> bool:
        """A profile merged into another is gone for sign-in, though its row stays."""
        return self.merged_into is None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    def lapsed(self, now: datetime, ttl: timedelta) -> bool:
        """A subscriber's registration whose address nobody confirmed within `ttl`: nobody proved
        the mailbox theirs, so the address is free again. Until housekeeping removes the row,
        every use case treats it as an unknown address; registering the address anew replaces it.
        """
        return self.role == SUBSCRIBER_ROLE and not self.email_confirmed and self.created_at <= now - ttl


def email_key(email: str) -> str:
    """The form an address is compared in: `Ivan@example.ru` and `ivan@example.ru` are one user."""
    return email.strip().lower()
