"""Reminder letters waiting to be sent: a scheduled run's `SendReminders` carries up to 2,000 of
them, and its handler only writes them here (one statement); the reminder sender beside the
handlers sends them one by one, each in a short transaction of its own
(service_layer/reminder_sender.py). `(message_id, position)` is a letter of a command, so a
command written twice keeps one row per letter; `(not_before, id)` finds the next one due.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-16
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE reminders_due (
            id BIGSERIAL PRIMARY KEY,
            message_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            template TEXT NOT NULL,
            user_id UUID NOT NULL,
            params JSONB NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TIMESTAMPTZ NOT NULL DEFAULT now(),
            enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT reminders_due_letter_key UNIQUE (message_id, position)
        )
        """
    )
    op.execute("CREATE INDEX reminders_due_next_idx ON reminders_due (not_before, id)")


def downgrade() -> None:
    op.execute("DROP TABLE reminders_due")
