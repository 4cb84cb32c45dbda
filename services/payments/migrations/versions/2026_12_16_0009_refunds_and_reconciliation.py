"""Refunds, each payment's story, and the day's reconciliation with the bank (issue 22).

- `payments.refunded_kopecks`: what the bank gave back of the payment so far (its refunds that
  succeeded), kept with the row every refund locks, so a read needs no sum;
- `refunds`: one per request of the supplier's staff, keyed by (requester, Idempotency-Key); its
  amount is reserved from the moment it is asked for (with the payment row locked), so the refunds
  of a payment never sum to more than was paid, whatever runs at once;
- `payment_events`: what happened to a payment that no column keeps (a callback received, a
  status polled, an event sent, a refund's steps), written in the transaction of what it tells;
- `reconciliations`, `reconciliation_discrepancies`: a day's comparison with the bank's
  registry, one row a day, its findings replaced whole by each run.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-16
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)
NOW = sa.text("now()")
REFUND_STATUSES = "status IN ('awaiting_approval', 'pending', 'succeeded', 'failed', 'rejected')"
KINDS = "kind IN ('missing_here', 'missing_at_bank', 'amount_mismatch', 'status_mismatch')"


def upgrade() -> None:
    op.add_column("payments", sa.Column("refunded_kopecks", sa.BigInteger, nullable=False, server_default="0"))
    op.create_check_constraint(
        "refunded_within_paid", "payments", "refunded_kopecks >= 0 AND refunded_kopecks <= amount_kopecks"
    )
    op.create_index("payments_paid_at", "payments", ["paid_at"])
    op.create_index("payments_by_number", "payments", ["region_code", "account_number", sa.text("created_at DESC")])
    op.create_table(
        "refunds",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("payment_id", UUID(as_uuid=True), sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("amount_kopecks", sa.BigInteger, sa.CheckConstraint("amount_kopecks > 0"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.Text, sa.CheckConstraint(REFUND_STATUSES), nullable=False),
        sa.Column("requested_by", UUID(as_uuid=True), nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("request_fingerprint", sa.Text, nullable=False),
        sa.Column("decided_by", UUID(as_uuid=True)),
        sa.Column("decision_comment", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
        sa.Column("decided_at", TS),
        sa.Column("refunded_at", TS),
        sa.UniqueConstraint("requested_by", "idempotency_key"),
    )
    op.create_index("refunds_of_payment", "refunds", ["payment_id"])
    op.create_index("refunds_unsettled", "refunds", ["updated_at"], postgresql_where=sa.text("status = 'pending'"))
    op.create_index("refunds_refunded_at", "refunds", ["refunded_at"])
    op.create_table(
        "payment_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("payment_id", UUID(as_uuid=True), nullable=False),
        sa.Column("at", TS, nullable=False, server_default=sa.text("clock_timestamp()")),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.create_index("payment_events_of_payment", "payment_events", ["payment_id", "id"])
    op.create_table(
        "reconciliations",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column(
            "status", sa.Text, sa.CheckConstraint("status IN ('running', 'completed', 'failed')"), nullable=False
        ),
        sa.Column("bank_total_kopecks", sa.BigInteger),
        sa.Column("our_total_kopecks", sa.BigInteger),
        sa.Column("matched", sa.Integer),
        sa.Column("runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requested_by", UUID(as_uuid=True)),
        sa.Column("error", sa.Text),
        sa.Column("started_at", TS, nullable=False, server_default=NOW),
        sa.Column("finished_at", TS),
    )
    op.create_table(
        "reconciliation_discrepancies",
        sa.Column("day", sa.Date, sa.ForeignKey("reconciliations.day"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, sa.CheckConstraint(KINDS), nullable=False),
        sa.Column("acquirer_order_id", sa.Text),
        sa.Column("payment_id", UUID(as_uuid=True)),
        sa.Column("bank_amount_kopecks", sa.BigInteger),
        sa.Column("our_amount_kopecks", sa.BigInteger),
        sa.Column("resolution", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("day", "position"),
    )


def downgrade() -> None:
    op.drop_table("reconciliation_discrepancies")
    op.drop_table("reconciliations")
    op.drop_table("payment_events")
    op.drop_table("refunds")
    op.drop_index("payments_by_number", "payments")
    op.drop_index("payments_paid_at", "payments")
    op.drop_constraint("refunded_within_paid", "payments")
    op.drop_column("payments", "refunded_kopecks")
