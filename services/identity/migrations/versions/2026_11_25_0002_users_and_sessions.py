"""Users, consents, one-time tokens, sessions with their refresh tokens, revocations, signing
keys and the attempt counters of the limits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE users (
            id UUID PRIMARY KEY,
            email TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'subscriber' CHECK (role IN ('subscriber', 'operator')),
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            email_confirmed_at TIMESTAMPTZ,
            password_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            merged_into UUID REFERENCES users (id),
            merged_at TIMESTAMPTZ,
            CHECK (merged_into IS NULL OR merged_into <> id)
        )
        """
    )
    # One user per address whatever its case: Ivan@ and ivan@ are the same mailbox in practice.
    op.execute("CREATE UNIQUE INDEX users_email_key ON users (lower(email))")
    op.execute(
        """
        CREATE TABLE consents (
            id BIGSERIAL PRIMARY KEY,
            user_id UUID NOT NULL REFERENCES users (id),
            text_version TEXT NOT NULL,
            given_at TIMESTAMPTZ NOT NULL,
            client_address TEXT
        )
        """
    )
    op.execute("CREATE INDEX consents_user_idx ON consents (user_id)")
    op.execute(
        """
        CREATE TABLE one_time_tokens (
            token_hash TEXT PRIMARY KEY,
            user_id UUID NOT NULL REFERENCES users (id),
            purpose TEXT NOT NULL CHECK (purpose IN ('email_confirmation', 'password_reset')),
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            expires_at TIMESTAMPTZ NOT NULL,
            used_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE INDEX one_time_tokens_open_idx ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL")
    op.execute("CREATE INDEX one_time_tokens_expiry_idx ON one_time_tokens (expires_at)")
    op.execute(
        """
        CREATE TABLE sessions (
            id UUID PRIMARY KEY,
            user_id UUID NOT NULL REFERENCES users (id),
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            client_address TEXT,
            revoked_at TIMESTAMPTZ,
            revoke_reason TEXT
        )
        """
    )
    op.execute("CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL")
    op.execute(
        """
        CREATE TABLE refresh_tokens (
            token_hash TEXT PRIMARY KEY,
            family_id UUID NOT NULL REFERENCES sessions (id),
            issued_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            rotated_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)")
    op.execute("CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at)")
    op.execute(
        """
        CREATE TABLE revocations (
            id BIGSERIAL PRIMARY KEY,
            user_id UUID NOT NULL,
            session_id UUID,
            revoked_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX revocations_recent_idx ON revocations (revoked_at)")
    op.execute(
        """
        CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY,
            algorithm TEXT NOT NULL,
            public_jwk JSONB NOT NULL,
            private_key_encrypted BYTEA NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            retired_at TIMESTAMPTZ
        )
        """
    )
    op.execute(
        """
        CREATE TABLE attempts (
            id BIGSERIAL PRIMARY KEY,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX attempts_recent_idx ON attempts (kind, key, created_at DESC)")


def downgrade() -> None:
    for table in (
        "attempts",
        "signing_keys",
        "revocations",
        "refresh_tokens",
        "sessions",
        "one_time_tokens",
        "consents",
        "users",
    ):
        op.execute(f"DROP TABLE {table}")
