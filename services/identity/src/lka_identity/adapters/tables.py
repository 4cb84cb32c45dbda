"""Tables of the identity database (the schema itself is in migrations/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()


def _moment(name: str, nullable: bool = False) -> Column[datetime]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    _moment("created_at"),
    _moment("email_confirmed_at", nullable=True),
    _moment("password_changed_at"),
    Column("merged_into", UUID(as_uuid=True), ForeignKey("users.id")),
    _moment("merged_at", nullable=True),
    # Staff only (migration 0006): a supervisor disabled the profile; its last sign-in.
    _moment("disabled_at", nullable=True),
    _moment("last_sign_in_at", nullable=True),
)
# One profile per address, whatever its case: the conflict a new registration's insert meets.
Index("users_email_key", func.lower(users.c.email), unique=True)

# The personal-data consent (152-FZ): which text, when, from where.
consents = Table(
    "consents",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("text_version", Text, nullable=False),
    _moment("given_at"),
    Column("client_address", Text),
)

# Confirmation and reset tokens, by their SHA-256 only.
one_time_tokens = Table(
    "one_time_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("purpose", Text, nullable=False),
    _moment("created_at"),
    _moment("expires_at"),
    _moment("used_at", nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    _moment("created_at"),
    Column("client_address", Text),
    _moment("revoked_at", nullable=True),
    Column("revoke_reason", Text),
    # A staff session's absolute end (refreshes included); null for a subscriber's.
    _moment("expires_at", nullable=True),
    # The browser it was opened from, as its User-Agent said (the session list; migration 0007).
    Column("user_agent", Text),
)

# A refresh token's family is its session: every token rotated from one sign-in shares it,
# and ending the session ends them all.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("family_id", UUID(as_uuid=True), ForeignKey("sessions.id"), nullable=False),
    _moment("issued_at"),
    _moment("expires_at"),
    _moment("rotated_at", nullable=True),
)

# What the gateway must refuse until the access tokens concerned expire (session_id null: all).
revocations = Table(
    "revocations",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("session_id", UUID(as_uuid=True)),
    _moment("revoked_at"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", Text, primary_key=True),
    Column("algorithm", Text, nullable=False),
    Column("public_jwk", JSONB, nullable=False),
    Column("private_key_encrypted", LargeBinary, nullable=False),
    _moment("created_at"),
    _moment("retired_at", nullable=True),
)

# A staff profile's second factor (docs/security.md "The staff's second factor"): the TOTP secret
# sealed under the key-encryption secret, and the last time step a code was accepted for, so
# each code is accepted once.
staff_factors = Table(
    "staff_factors",
    metadata,
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), primary_key=True),
    Column("totp_secret_sealed", LargeBinary, nullable=False),
    _moment("enrolled_at"),
    Column("last_used_step", BigInteger, nullable=False),
)

# The ten single-use recovery codes of a staff profile, by their keyed hash only.
recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    Column("code_hash", Text, nullable=False),
    _moment("created_at"),
    _moment("used_at", nullable=True),
    PrimaryKeyConstraint("user_id", "code_hash", name="recovery_codes_pkey"),
)

# A staff sign-in between its password and its code: the `mfa_token` by its SHA-256, how many
# wrong codes it has had (the fifth ends it), and when it ended (used or voided).
mfa_challenges = Table(
    "mfa_challenges",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    _moment("created_at"),
    _moment("expires_at"),
    Column("failures", Integer, nullable=False),
    _moment("ended_at", nullable=True),
    Index("mfa_challenges_user_idx", "user_id"),
    Index("mfa_challenges_expiry_idx", "expires_at"),
)

# A supervisor's invitation (or, with `user_id`, the renewal a reset of the second factor sends):
# its token by SHA-256 only, single use, expiring.
staff_invitations = Table(
    "staff_invitations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("token_hash", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id")),
    Column("invited_by", UUID(as_uuid=True), ForeignKey("users.id"), nullable=False),
    _moment("created_at"),
    _moment("expires_at"),
    _moment("used_at", nullable=True),
    Index("staff_invitations_token_key", "token_hash", unique=True),
    Index("staff_invitations_expiry_idx", "expires_at"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("key", Text, nullable=False),
    _moment("created_at"),
)

# Every service's audit records as identity's consumer copied them from their events, for the
# supervisors' search (GET /operator/audit; adapters/audit_search.py). Identity's own chain is
# lka_common.audit.audit_records, in this database too.
audit_projection = Table(
    "audit_projection",
    metadata,
    Column("service", Text, nullable=False),
    Column("id", BigInteger, nullable=False),
    _moment("at"),
    Column("actor_user_id", UUID(as_uuid=True), nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("object_type", Text, nullable=False),
    Column("object_id", Text),
    Column("client_address", Text),
    Column("request_id", Text),
    Column("outcome", Text, nullable=False),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    PrimaryKeyConstraint("service", "id", name="audit_projection_pkey"),
    Index("audit_projection_at_idx", "at"),
    Index("audit_projection_actor_idx", "actor_user_id", "at"),
    Index("audit_projection_object_idx", "object_id", "at"),
    Index("audit_projection_action_idx", "action", "at"),
)

# A subscriber's own security (docs/contract.md §4; migration 0007). A change of address waiting
# for the new mailbox to confirm it: the token by its SHA-256 only, single use, expiring.
email_changes = Table(
    "email_changes",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("new_email", Text, nullable=False),
    _moment("created_at"),
    _moment("expires_at"),
    _moment("used_at", nullable=True),
)

# The browsers each user signed in from (domain/browsers.py: a device cookie's or a
# fingerprint's SHA-256), for the letter about a sign-in from one not seen before.
known_browsers = Table(
    "known_browsers",
    metadata,
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("browser_key", Text, nullable=False),
    _moment("first_seen_at"),
    _moment("last_seen_at"),
    PrimaryKeyConstraint("user_id", "browser_key", name="known_browsers_pkey"),
)

# Which letters beyond the transactional ones a user wants (domain/preferences.py); no row: all.
letter_preferences = Table(
    "letter_preferences",
    metadata,
    Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("reading_window", Boolean, nullable=False),
    Column("verification_due", Boolean, nullable=False),
    Column("debt", Boolean, nullable=False),
    Column("bill_issued", Boolean, nullable=False),
    Column("payment_receipts", Boolean, nullable=False),
    Column("new_sign_in", Boolean, nullable=False),
    _moment("updated_at"),
)
