"""The public form's attempts per account, for its daily limit per account.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A table of its own beside `anonymous_attempts` (per address): the per-address code keeps
    # working unchanged while API replicas of both versions run during a rollout.
    op.execute(
        """
        CREATE TABLE anonymous_account_attempts (
            id BIGSERIAL PRIMARY KEY,
            region_code TEXT NOT NULL,
            account_number TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX anonymous_account_attempts_recent_idx"
        " ON anonymous_account_attempts (region_code, account_number, created_at DESC)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE anonymous_account_attempts")
