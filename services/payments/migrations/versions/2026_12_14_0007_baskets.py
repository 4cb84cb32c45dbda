"""Baskets (docs/contract.md §2 "payments"): several of the payer's accounts paid by one bank order.

A basket is one order at the bank (`baskets`: its key, amount, order, card page or QR code) and one
payment per account (`payments.basket_id`), which share that order: an account's history, billing's
booking and the events stay per account. So the order's number and id are unique only among the
payments outside a basket; within one, every item carries its basket's.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)
ALONE = sa.text("basket_id IS NULL")


def upgrade() -> None:
    op.create_table(
        "baskets",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("request_fingerprint", sa.Text, nullable=False),
        sa.Column("amount_kopecks", sa.BigInteger, sa.CheckConstraint("amount_kopecks > 0"), nullable=False),
        sa.Column("method", sa.Text, sa.CheckConstraint("method IN ('card', 'sbp')"), nullable=False),
        sa.Column("order_number", sa.Text, nullable=False, unique=True),
        sa.Column("acquirer_order_id", sa.Text, nullable=False, unique=True),
        sa.Column("confirmation_url", sa.Text),
        sa.Column("qr_id", sa.Text),
        sa.Column("qr_payload", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.UniqueConstraint("user_id", "idempotency_key"),
    )
    op.add_column("payments", sa.Column("basket_id", UUID(as_uuid=True), sa.ForeignKey("baskets.id")))
    op.drop_constraint("payments_order_number_key", "payments")
    op.drop_constraint("payments_acquirer_order_id_key", "payments")
    op.create_index("payments_order_number_alone", "payments", ["order_number"], unique=True, postgresql_where=ALONE)
    op.create_index(
        "payments_acquirer_order_alone", "payments", ["acquirer_order_id"], unique=True, postgresql_where=ALONE
    )
    op.create_index("payments_by_order", "payments", ["acquirer_order_id"])
    op.create_index("payments_of_basket", "payments", ["basket_id"], postgresql_where=sa.text("basket_id IS NOT NULL"))


def downgrade() -> None:
    op.execute("DELETE FROM payments WHERE basket_id IS NOT NULL")
    op.drop_index("payments_of_basket", "payments")
    op.drop_index("payments_by_order", "payments")
    op.drop_index("payments_acquirer_order_alone", "payments")
    op.drop_index("payments_order_number_alone", "payments")
    op.create_unique_constraint("payments_acquirer_order_id_key", "payments", ["acquirer_order_id"])
    op.create_unique_constraint("payments_order_number_key", "payments", ["order_number"])
    op.drop_column("payments", "basket_id")
    op.drop_table("baskets")
