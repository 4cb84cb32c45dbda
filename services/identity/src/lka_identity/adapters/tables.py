"""Tables of the identity database (the schema itself is in migrations/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, LargeBinary, MetaData, Table, Text, func
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

attempts = Table(
    "attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("key", Text, nullable=False),
    _moment("created_at"),
)
