"""Events published by the identity service: users, their merged profiles, their sessions."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import Moment


class UserRegistered(EventData):
    """A user registered; raised at registration, before the e-mail address is confirmed."""

    event_type = "identity.user.registered.v1"

    user_id: UUID
    registered_at: Moment


class ProfilesMerged(EventData):
    """Two profiles of one person became one: the source user's accounts now belong to the target."""

    event_type = "identity.profiles.merged.v1"

    target_user_id: UUID = Field(description="The user that remains.")
    source_user_id: UUID = Field(description="The user merged into the target; it no longer signs in.")
    merged_at: Moment


class SessionRevoked(EventData):
    """A session (or all of a user's sessions) ended before its time: sign-out, password change."""

    event_type = "identity.session.revoked.v1"

    user_id: UUID
    session_id: UUID | None = Field(description="The session revoked; null means all of the user's sessions.")
    revoked_at: Moment


class LetterPreferencesChanged(EventData):
    """A subscriber's letter preferences (`/profile/notifications`) as they are now, after a change
    in the profile or a one-click unsubscribe; the notifications service keeps them to honour."""

    event_type = "identity.letter_preferences.changed.v1"

    user_id: UUID
    reading_window: bool
    verification_due: bool
    debt: bool
    bill_issued: bool
    payment_receipts: bool
    new_sign_in: bool
    changed_at: Moment


class IdentityAuditRecorded(AuditRecorded):
    """A staff action or read identity recorded in its audit chain (lka_common.audit)."""

    event_type = "identity.audit.recorded.v1"
    service = "identity"
