"""Payments, the access projection from accounts' events, and billing's registered payments.

Transitions are monotonic in the database itself: the service moves a payment only with
`UPDATE … WHERE status = 'pending'`, and a trigger refuses any other change of status but
`succeeded → refunded`, whoever issues it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "account_access",
        sa.Column("account_id", UUID(as_uuid=True), nullable=False),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("region_code", sa.Text, nullable=False),
        sa.Column("account_number", sa.Text, nullable=False),
        sa.Column("linked_at", TS, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("account_id", "user_id"),
    )
    op.create_table(
        "payments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", UUID(as_uuid=True), nullable=False),
        sa.Column("region_code", sa.Text, nullable=False),
        sa.Column("account_number", sa.Text, nullable=False),
        sa.Column("amount_kopecks", sa.BigInteger, sa.CheckConstraint("amount_kopecks > 0"), nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("request_fingerprint", sa.Text, nullable=False),
        sa.Column("order_number", sa.Text, nullable=False, unique=True),
        sa.Column("acquirer_order_id", sa.Text, nullable=False, unique=True),
        sa.Column("confirmation_url", sa.Text, nullable=False),
        sa.Column("payer_email", sa.Text),
        sa.Column("card_brand", sa.Text),
        sa.Column("pan_masked", sa.Text),
        sa.Column("approval_code", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
        sa.Column("paid_at", TS),
        sa.Column("next_check_at", TS, nullable=False, server_default=NOW),
        sa.Column("check_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("status IN ('pending', 'succeeded', 'failed', 'expired', 'refunded')", name="status_known"),
        sa.UniqueConstraint("user_id", "idempotency_key"),
    )
    op.create_index("payments_due", "payments", ["next_check_at"], postgresql_where=sa.text("status = 'pending'"))
    op.create_index("payments_by_account", "payments", ["account_id", sa.text("created_at DESC")])
    op.execute(
        """
        CREATE FUNCTION payments_monotonic() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.status <> NEW.status AND NOT (OLD.status = 'pending'
              OR (OLD.status = 'succeeded' AND NEW.status = 'refunded')) THEN
            RAISE EXCEPTION 'payment % cannot go from % to %', OLD.id, OLD.status, NEW.status;
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER payments_monotonic BEFORE UPDATE OF status ON payments
          FOR EACH ROW EXECUTE FUNCTION payments_monotonic();
        """
    )
    op.create_table(
        "billing_payments",
        sa.Column("billing_payment_id", sa.Text, primary_key=True),
        sa.Column("region_code", sa.Text, nullable=False),
        sa.Column("account_number", sa.Text, nullable=False),
        sa.Column("amount_kopecks", sa.BigInteger, nullable=False),
        sa.Column("paid_at", TS, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("lka_payment_id", UUID(as_uuid=True)),
    )
    op.create_index("billing_payments_by_account", "billing_payments", ["region_code", "account_number", "paid_at"])


def downgrade() -> None:
    op.drop_table("billing_payments")
    op.execute("DROP TRIGGER payments_monotonic ON payments")
    op.execute("DROP FUNCTION payments_monotonic()")
    op.drop_table("payments")
    op.drop_table("account_access")
