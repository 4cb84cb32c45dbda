"""Saved cards and SBP (docs/contract.md §2 "payments"): the cards table (bindings the bank keeps
for a subscriber, only what it returned: brand, masked number, expiry), and on payments how the
payer pays (`method`), whether the card is to be kept (`save_card`), the saved card paid with
(`card_id`) and the SBP QR code (`qr_id`, `qr_payload`). A payment with a saved card or by SBP has
no card page, so `confirmation_url` may be empty.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cards",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("binding_id", sa.Text, nullable=False, unique=True),
        sa.Column("brand", sa.Text, nullable=False),
        sa.Column("pan_masked", sa.Text, nullable=False),
        sa.Column("expiry", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("deleted_at", TS),
    )
    op.create_index("cards_of_user", "cards", ["user_id", "created_at"], postgresql_where=sa.text("deleted_at IS NULL"))
    op.add_column("payments", sa.Column("method", sa.Text, nullable=False, server_default="card"))
    op.add_column("payments", sa.Column("save_card", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("payments", sa.Column("card_id", UUID(as_uuid=True)))
    op.add_column("payments", sa.Column("qr_id", sa.Text))
    op.add_column("payments", sa.Column("qr_payload", sa.Text))
    op.create_check_constraint("method_known", "payments", "method IN ('card', 'sbp')")
    op.alter_column("payments", "confirmation_url", nullable=True)


def downgrade() -> None:
    op.execute("UPDATE payments SET confirmation_url = '' WHERE confirmation_url IS NULL")
    op.alter_column("payments", "confirmation_url", nullable=False)
    op.drop_constraint("method_known", "payments")
    for column in ("qr_payload", "qr_id", "card_id", "save_card", "method"):
        op.drop_column("payments", column)
    op.drop_index("cards_of_user", "cards")
    op.drop_table("cards")
