"""The reading-window reminder's accounts, in the order of their ids (adapters/reminder_accounts.py).

- `reminder_accounts`: per account of the access projection, a meter in service, the last day
  billing took a reading of one, who is linked now; its key carries the columns, so a batch of
  the reminder is an index-only scan of one range. Filled here from the tables it summarises;
  from then on the consumer computes an account's row again with each of its meters' and links'
  events. Events a consumer of the earlier release takes while a rollout is under way do not
  reach it: that account's row is right again at its next meter or link event, or when the same
  statement (`reminder_accounts.every_account()`) is run again.
- `readings_account_id_period_idx` replaces `readings_account_period_idx`: the reminder looks an
  account's readings of the period up by its id, the order it goes in.

The indexes are built CONCURRENTLY (outside the migration's transaction), as in 0009.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-18
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE reminder_accounts ("
        " account_id UUID NOT NULL,"
        " number TEXT NOT NULL,"
        " in_service BOOLEAN NOT NULL,"
        " billed_on DATE,"
        " users UUID[] NOT NULL,"
        " CONSTRAINT reminder_accounts_pkey PRIMARY KEY (account_id) INCLUDE (number, in_service, billed_on, users))"
    )
    op.execute(
        "INSERT INTO reminder_accounts (account_id, number, in_service, billed_on, users)"
        " SELECT a.id, a.number,"
        "  coalesce((SELECT bool_or(m.removed IS false) FROM meters m"
        "   WHERE m.region_code = a.region_code AND m.account_number = a.number), false),"
        "  (SELECT max(b.taken_on) FROM meters m JOIN billing_readings b ON b.meter_id = m.id"
        "   WHERE m.region_code = a.region_code AND m.account_number = a.number),"
        "  coalesce((SELECT array_agg(l.user_id ORDER BY l.user_id) FROM account_links l"
        "   WHERE l.account_id = a.id AND l.linked IS true), '{}')"
        " FROM accounts a ORDER BY a.id"
    )
    with op.get_context().autocommit_block():
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS readings_account_id_period_idx"
            " ON readings (account_id, billing_period) WHERE status <> 'rejected'"
        )
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS readings_account_period_idx")


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS readings_account_period_idx"
            " ON readings (region_code, account_number, billing_period) WHERE status <> 'rejected'"
        )
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS readings_account_id_period_idx")
    op.execute("DROP TABLE reminder_accounts")
