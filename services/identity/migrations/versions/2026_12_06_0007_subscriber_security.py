"""A subscriber's own security (docs/contract.md §4): the browser each session was opened from,
changes of address waiting for the new mailbox's confirmation, the browsers each user signed in
from (for the letter about a new one), and which letters beyond the transactional ones a user
wants.

The new tables name users with ON DELETE CASCADE: removing a lapsed registration
(adapters/users.remove) takes them along without another statement to keep in step.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE sessions ADD COLUMN user_agent TEXT")
    op.execute(
        """
        CREATE TABLE email_changes (
            token_hash TEXT PRIMARY KEY,
            user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            new_email TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            used_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE INDEX email_changes_open_idx ON email_changes (user_id) WHERE used_at IS NULL")
    op.execute("CREATE INDEX email_changes_expiry_idx ON email_changes (expires_at)")
    op.execute(
        """
        CREATE TABLE known_browsers (
            user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            browser_key TEXT NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL,
            CONSTRAINT known_browsers_pkey PRIMARY KEY (user_id, browser_key)
        )
        """
    )
    op.execute("CREATE INDEX known_browsers_seen_idx ON known_browsers (last_seen_at)")
    op.execute(
        """
        CREATE TABLE letter_preferences (
            user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            reading_window BOOLEAN NOT NULL DEFAULT true,
            verification_due BOOLEAN NOT NULL DEFAULT true,
            debt BOOLEAN NOT NULL DEFAULT true,
            bill_issued BOOLEAN NOT NULL DEFAULT true,
            payment_receipts BOOLEAN NOT NULL DEFAULT true,
            new_sign_in BOOLEAN NOT NULL DEFAULT true,
            updated_at TIMESTAMPTZ NOT NULL
        )
        """
    )


def downgrade() -> None:
    for table in ("letter_preferences", "known_browsers", "email_changes"):
        op.execute(f"DROP TABLE {table}")
    op.execute("ALTER TABLE sessions DROP COLUMN user_agent")
