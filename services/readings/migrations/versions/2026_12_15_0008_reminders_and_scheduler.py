"""Reminders (docs/contract.md §4 "Reminders") and the scheduler that runs them (lka_common.scheduler).

- `scheduled_jobs`, `job_runs`: the shared scheduler's lease and runs;
- `reminders_sent`: one row per reminder kind, subject (account or meter) and period, claimed
  with the letters in one transaction.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-15
"""

from alembic import op

from lka_common.migrations import create_scheduler_tables_v1, drop_scheduler_tables_v1

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_scheduler_tables_v1()
    op.execute(
        "CREATE TABLE reminders_sent ("
        " kind TEXT NOT NULL,"
        " subject_id UUID NOT NULL,"
        " period TEXT NOT NULL,"
        " recipients SMALLINT NOT NULL,"
        " sent_at TIMESTAMPTZ NOT NULL,"
        " PRIMARY KEY (kind, subject_id, period))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE reminders_sent")
    drop_scheduler_tables_v1()
