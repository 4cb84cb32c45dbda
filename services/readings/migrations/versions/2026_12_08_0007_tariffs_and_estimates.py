"""Tariffs and each account's tariff from billing, for the estimate of a reading's cost; the
estimate kept with each reading; a meter's verification date.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each version of a tariff (`billing.tariff.updated.v1`): a new price is a new valid_from.
    op.execute(
        """
        CREATE TABLE tariffs (
            tariff_id TEXT NOT NULL,
            valid_from DATE NOT NULL,
            valid_to DATE,
            region_code TEXT,
            zones SMALLINT NOT NULL,
            prices_kopecks JSONB NOT NULL,
            event_time TIMESTAMPTZ,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (tariff_id, valid_from)
        )
        """
    )
    # Each account's tariff as `billing.account.updated.v1` last said (the newest as_of wins).
    op.execute(
        """
        CREATE TABLE account_tariffs (
            region_code TEXT NOT NULL,
            account_number TEXT NOT NULL,
            tariff_id TEXT,
            as_of TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (region_code, account_number)
        )
        """
    )
    # The estimate made when the reading was submitted (its period is the reading's own).
    op.execute("ALTER TABLE readings ADD COLUMN estimate_kopecks BIGINT, ADD COLUMN estimate_tariff_id TEXT")
    op.execute("ALTER TABLE meters ADD COLUMN verification_due DATE")


def downgrade() -> None:
    op.execute("ALTER TABLE meters DROP COLUMN verification_due")
    op.execute("ALTER TABLE readings DROP COLUMN estimate_kopecks, DROP COLUMN estimate_tariff_id")
    op.execute("DROP TABLE account_tariffs")
    op.execute("DROP TABLE tariffs")
