"""Bills as billing issued them, and each subscriber's paperless switch per account.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `billing.bill.issued.v1`, keyed by billing's bill id (the same id again is the same bill).
    op.execute(
        """
        CREATE TABLE bills (
            id TEXT PRIMARY KEY,
            region_code TEXT NOT NULL,
            number TEXT NOT NULL,
            period TEXT NOT NULL,
            issued_at TIMESTAMPTZ NOT NULL,
            opening_balance_kopecks BIGINT NOT NULL,
            lines JSONB NOT NULL,
            payments_kopecks BIGINT NOT NULL,
            penalty_kopecks BIGINT NOT NULL,
            total_due_kopecks BIGINT NOT NULL,
            due_date DATE NOT NULL,
            received_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX bills_account_recent_idx ON bills (region_code, number, period DESC, issued_at DESC)")
    # A subscriber's choice for an account they linked: bills by e-mail instead of paper. The
    # row stays after an unlink (the letters follow the link, not the row).
    op.execute(
        """
        CREATE TABLE paperless (
            user_id UUID NOT NULL,
            account_id UUID NOT NULL,
            enabled BOOLEAN NOT NULL,
            changed_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (user_id, account_id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE paperless")
    op.execute("DROP TABLE bills")
