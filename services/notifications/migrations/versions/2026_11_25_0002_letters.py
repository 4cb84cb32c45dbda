"""Delivery log of letters, the address book, and who is linked to which account.

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
        CREATE TABLE letters (
            id BIGSERIAL PRIMARY KEY,
            letter_key TEXT NOT NULL UNIQUE,
            message_id TEXT NOT NULL,
            template TEXT NOT NULL,
            recipient TEXT NOT NULL,
            user_id UUID,
            status TEXT NOT NULL CHECK (status IN ('sent', 'retrying', 'failed', 'suppressed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            sent_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE INDEX letters_recipient_sent_idx ON letters (recipient, sent_at) WHERE status = 'sent'")
    op.execute(
        """
        CREATE TABLE address_book (
            user_id UUID PRIMARY KEY,
            email TEXT NOT NULL,
            confirmed BOOLEAN NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE account_subscribers (
            account_id UUID NOT NULL,
            user_id UUID NOT NULL,
            PRIMARY KEY (account_id, user_id)
        )
        """
    )
    op.execute("CREATE INDEX feedback_client_recent_idx ON feedback (client_address, created_at)")
    # Forwarding is now a letter of its own, logged in `letters`.
    op.execute("ALTER TABLE feedback DROP COLUMN forwarded_at")


def downgrade() -> None:
    op.execute("ALTER TABLE feedback ADD COLUMN forwarded_at TIMESTAMPTZ")
    op.execute("DROP INDEX feedback_client_recent_idx")
    op.execute("DROP TABLE account_subscribers")
    op.execute("DROP TABLE address_book")
    op.execute("DROP TABLE letters")
