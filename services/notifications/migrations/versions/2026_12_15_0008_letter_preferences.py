"""Letter preferences: which reminders each subscriber turned off, from identity's
`identity.letter_preferences.changed.v1` (adapters/letter_preferences.py); and the delivery
log's `turned_off`, a reminder not sent because of them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-15
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE letter_preferences ("
        " user_id UUID PRIMARY KEY,"
        " turned_off TEXT[] NOT NULL,"
        " changed_at TIMESTAMPTZ NOT NULL)"
    )
    op.execute("ALTER TABLE letters DROP CONSTRAINT letters_status_check")
    op.execute(
        "ALTER TABLE letters ADD CONSTRAINT letters_status_check"
        " CHECK (status IN ('sent', 'retrying', 'failed', 'suppressed', 'turned_off'))"
    )


def downgrade() -> None:
    op.execute("DELETE FROM letters WHERE status = 'turned_off'")
    op.execute("ALTER TABLE letters DROP CONSTRAINT letters_status_check")
    op.execute(
        "ALTER TABLE letters ADD CONSTRAINT letters_status_check"
        " CHECK (status IN ('sent', 'retrying', 'failed', 'suppressed'))"
    )
    op.execute("DROP TABLE letter_preferences")
