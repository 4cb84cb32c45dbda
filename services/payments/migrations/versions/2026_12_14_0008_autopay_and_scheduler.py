"""Autopay (docs/contract.md §2 "payments") and the scheduler that runs it (lka_common.scheduler).

- `scheduled_jobs`, `job_runs`: the shared scheduler's lease and runs;
- `account_balances`: what each account owes, projected from billing's `billing.account.updated.v1`
  (the newest `as_of` wins), so the day's run needs no call to the accounts service;
- `autopays`: one per account, whose card, which day (1–28), up to how much, active or turned off;
- `autopay_charges`: each attempt keyed (account, month, attempt 1 or 2), claimed before the bank
  is asked and settled in the same transaction as its payment, so a crash never pays twice;
- `autopay_notices`: the letter 3 days before, keyed (account, month, kind): sent once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from lka_common.migrations import create_scheduler_tables_v1, drop_scheduler_tables_v1

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    create_scheduler_tables_v1()
    op.create_table(
        "account_balances",
        sa.Column("region_code", sa.Text, nullable=False),
        sa.Column("account_number", sa.Text, nullable=False),
        sa.Column("debt_kopecks", sa.BigInteger, nullable=False),
        sa.Column("penalty_kopecks", sa.BigInteger, nullable=False),
        sa.Column("as_of", TS, nullable=False),
        sa.PrimaryKeyConstraint("region_code", "account_number"),
    )
    op.create_table(
        "autopays",
        sa.Column("account_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("region_code", sa.Text, nullable=False),
        sa.Column("account_number", sa.Text, nullable=False),
        sa.Column("card_id", UUID(as_uuid=True), sa.ForeignKey("cards.id"), nullable=False),
        sa.Column("day_of_month", sa.Integer, sa.CheckConstraint("day_of_month BETWEEN 1 AND 28"), nullable=False),
        sa.Column("max_amount_kopecks", sa.BigInteger, sa.CheckConstraint("max_amount_kopecks > 0"), nullable=False),
        sa.Column("status", sa.Text, sa.CheckConstraint("status IN ('active', 'disabled')"), nullable=False),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
    )
    op.create_index("autopays_by_day", "autopays", ["day_of_month"], postgresql_where=sa.text("status = 'active'"))
    op.create_table(
        "autopay_charges",
        sa.Column("account_id", UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.Text, nullable=False),  # YYYY-MM
        sa.Column("attempt", sa.Integer, sa.CheckConstraint("attempt IN (1, 2)"), nullable=False),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("payment_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("card_id", UUID(as_uuid=True), nullable=False),
        sa.Column("amount_kopecks", sa.BigInteger, nullable=False),
        sa.Column(
            "status", sa.Text, sa.CheckConstraint("status IN ('claimed', 'succeeded', 'failed')"), nullable=False
        ),
        sa.Column("reason", sa.Text),
        sa.Column("claimed_at", TS, nullable=False, server_default=NOW),
        sa.Column("finished_at", TS),
        sa.PrimaryKeyConstraint("account_id", "period", "attempt"),
    )
    op.create_index(
        "autopay_charges_claimed", "autopay_charges", ["claimed_at"], postgresql_where=sa.text("status = 'claimed'")
    )
    op.create_table(
        "autopay_notices",
        sa.Column("account_id", UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("sent_at", TS, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("account_id", "period", "kind"),
    )


def downgrade() -> None:
    op.drop_table("autopay_notices")
    op.drop_table("autopay_charges")
    op.drop_table("autopays")
    op.drop_table("account_balances")
    drop_scheduler_tables_v1()
