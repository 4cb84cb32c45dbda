"""The debt reminder (docs/contract.md §4 "Reminders") and the scheduler that runs it
(lka_common.scheduler).

- `scheduled_jobs`, `job_runs`: the shared scheduler's lease and runs;
- `reminders_sent`: one row per reminder kind, account and bill period, claimed with the
  letters in one transaction.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-16
"""

from alembic import op

from lka_common.migrations import create_scheduler_tables_v1, drop_scheduler_tables_v1

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_scheduler_tables_v1()
    op.execute(
        "CREATE TABLE reminders_sent ("
        " kind TEXT NOT NULL,"
        " account_id UUID NOT NULL,"
        " period TEXT NOT NULL,"
        " recipients SMALLINT NOT NULL,"
        " sent_at TIMESTAMPTZ NOT NULL,"
        " PRIMARY KEY (kind, account_id, period))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE reminders_sent")
    drop_scheduler_tables_v1()
