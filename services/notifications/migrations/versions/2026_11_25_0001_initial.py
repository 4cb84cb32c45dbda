"""Messaging tables and feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from alembic import op

from lka_common.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables_v1()
    op.execute(
        """
        CREATE TABLE feedback (
            id UUID PRIMARY KEY,
            topic TEXT NOT NULL,
            message TEXT NOT NULL,
            email TEXT NOT NULL,
            name TEXT,
            user_id UUID,
            client_address TEXT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            forwarded_at TIMESTAMPTZ
        )
        """
    )
    op.execute("CREATE INDEX feedback_created_idx ON feedback (created_at DESC)")


def downgrade() -> None:
    op.execute("DROP TABLE feedback")
    drop_messaging_tables_v1()
