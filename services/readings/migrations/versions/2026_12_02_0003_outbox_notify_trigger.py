"""The outbox wakes the relay itself: a statement-level trigger NOTIFYs on insert.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from lka_common.migrations import create_outbox_notify_trigger_v1, drop_outbox_notify_trigger_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_notify_trigger_v1()


def downgrade() -> None:
    drop_outbox_notify_trigger_v1()
