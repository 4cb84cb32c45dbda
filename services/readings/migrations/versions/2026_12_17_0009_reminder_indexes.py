"""Indexes the reminders' batches rely on (service_layer/reading_window.py, verification_due.py).

- `readings_account_period_idx`: an account's readings of a period that billing did not reject,
  the reading window's "no reading this period yet", looked up once per account of a batch
  (the account's history index would read all its periods);
- `meters_verification_due_idx`: the meters in service by verification date and id, so the
  verification-due job's batches read the few meters due in its days, in their order, not every
  meter.

Built CONCURRENTLY (outside the migration's transaction): the readings table of a running
portal keeps taking submissions while they build. A build that failed leaves an invalid index:
drop it and migrate again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-17
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS readings_account_period_idx"
            " ON readings (region_code, account_number, billing_period) WHERE status <> 'rejected'"
        )
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS meters_verification_due_idx"
            " ON meters (verification_due, id) WHERE removed IS false"
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS meters_verification_due_idx")
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS readings_account_period_idx")
