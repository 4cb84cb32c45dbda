"""Staff sign-in with a second factor and staff management (docs/contract.md §4): a staff
profile's TOTP secret (sealed) and last accepted time step, its single-use recovery codes (keyed
hashes), the sign-in's second-step challenges, the supervisors' invitations, a profile's
disabling and last sign-in, and a session's absolute end (staff sessions last at most 8 hours).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ, ADD COLUMN last_sign_in_at TIMESTAMPTZ")
    # Null for a subscriber's session: it lives as long as its refresh tokens are rotated.
    op.execute("ALTER TABLE sessions ADD COLUMN expires_at TIMESTAMPTZ")
    op.execute(
        """
        CREATE TABLE staff_factors (
            user_id UUID PRIMARY KEY REFERENCES users (id),
            totp_secret_sealed BYTEA NOT NULL,
            enrolled_at TIMESTAMPTZ NOT NULL,
            last_used_step BIGINT NOT NULL DEFAULT 0
        )
        """
    )
    op.execute(
        """
        CREATE TABLE recovery_codes (
            user_id UUID NOT NULL REFERENCES users (id),
            code_hash TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            used_at TIMESTAMPTZ,
            CONSTRAINT recovery_codes_pkey PRIMARY KEY (user_id, code_hash)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE mfa_challenges (
            token_hash TEXT PRIMARY KEY,
            user_id UUID NOT NULL REFERENCES users (id),
            created_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            ended_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE INDEX mfa_challenges_user_idx ON mfa_challenges (user_id)")
    op.execute("CREATE INDEX mfa_challenges_expiry_idx ON mfa_challenges (expires_at)")
    op.execute(
        """
        CREATE TABLE staff_invitations (
            id UUID PRIMARY KEY,
            token_hash TEXT NOT NULL,
            email TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor')),
            user_id UUID REFERENCES users (id),
            invited_by UUID NOT NULL REFERENCES users (id),
            created_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            used_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE UNIQUE INDEX staff_invitations_token_key ON staff_invitations (token_hash)")
    op.execute("CREATE INDEX staff_invitations_open_idx ON staff_invitations (lower(email)) WHERE used_at IS NULL")
    op.execute("CREATE INDEX staff_invitations_expiry_idx ON staff_invitations (expires_at)")


def downgrade() -> None:
    for table in ("staff_invitations", "mfa_challenges", "recovery_codes", "staff_factors"):
        op.execute(f"DROP TABLE {table}")
    op.execute("ALTER TABLE sessions DROP COLUMN expires_at")
    op.execute("ALTER TABLE users DROP COLUMN disabled_at, DROP COLUMN last_sign_in_at")
