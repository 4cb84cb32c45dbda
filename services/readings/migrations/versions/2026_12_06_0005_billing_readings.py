"""Billing's accepted readings of each meter as a history, for monthly consumption.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per meter and day: the last reading of every `billing.meter.updated.v1`, where
    # `meters` keeps only the newest (services/readings/README.md, "Consumption").
    op.execute(
        """
        CREATE TABLE billing_readings (
            meter_id UUID NOT NULL REFERENCES meters (id),
            taken_on DATE NOT NULL,
            reading_values JSONB NOT NULL,
            event_time TIMESTAMPTZ,
            recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (meter_id, taken_on)
        )
        """
    )
    # The history starts with what each meter holds now: older readings billing sent before
    # this revision were overwritten and are gone.
    op.execute(
        """
        INSERT INTO billing_readings (meter_id, taken_on, reading_values, event_time, recorded_at)
        SELECT id, last_date, last_values, event_time, updated_at FROM meters
        WHERE last_values IS NOT NULL AND last_date IS NOT NULL
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE billing_readings")
