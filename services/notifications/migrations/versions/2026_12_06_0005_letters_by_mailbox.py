"""The hourly cap counts letters per mailbox whatever the letter case of the address, as the
per-recipient lock already takes it: the index that answers the count is on lower(recipient).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX letters_recipient_sent_idx")
    op.execute("CREATE INDEX letters_mailbox_sent_idx ON letters (lower(recipient), sent_at) WHERE status = 'sent'")


def downgrade() -> None:
    op.execute("DROP INDEX letters_mailbox_sent_idx")
    op.execute("CREATE INDEX letters_recipient_sent_idx ON letters (recipient, sent_at) WHERE status = 'sent'")
