"""The access projection (accounts and who is linked to them), meters as billing sends them,
readings, and the attempts of the public form.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Our account id (the accounts service's) for a billing account; kept after an unlink, so a
    # later anonymous reading of that account still names it by its real id.
    op.execute(
        """
        CREATE TABLE accounts (
            id UUID PRIMARY KEY,
            region_code TEXT NOT NULL,
            number TEXT NOT NULL,
            CONSTRAINT accounts_region_number_key UNIQUE (region_code, number)
        )
        """
    )
    # One row per user and account, linked or not: `changed_at` (the event's time) orders link
    # and unlink whatever order they arrive in.
    op.execute(
        """
        CREATE TABLE account_links (
            account_id UUID NOT NULL,
            user_id UUID NOT NULL,
            linked BOOLEAN NOT NULL,
            changed_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (account_id, user_id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE meters (
            id UUID PRIMARY KEY,
            region_code TEXT NOT NULL,
            account_number TEXT NOT NULL,
            serial_number TEXT NOT NULL,
            zones SMALLINT NOT NULL CHECK (zones IN (1, 2, 3)),
            digits SMALLINT NOT NULL CHECK (digits > 0),
            last_values JSONB,
            last_date DATE,
            removed BOOLEAN NOT NULL,
            event_time TIMESTAMPTZ,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT meters_account_serial_key UNIQUE (region_code, account_number, serial_number)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE readings (
            id UUID PRIMARY KEY,
            meter_id UUID NOT NULL REFERENCES meters (id),
            account_id UUID NOT NULL,
            region_code TEXT NOT NULL,
            account_number TEXT NOT NULL,
            meter_serial TEXT NOT NULL,
            reading_values JSONB NOT NULL,
            values_key TEXT NOT NULL,
            submitted_at TIMESTAMPTZ NOT NULL,
            billing_period TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('web', 'anonymous')),
            status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected')),
            status_reason TEXT,
            decided_at TIMESTAMPTZ,
            event_id UUID NOT NULL
        )
        """
    )
    # The same values for the same meter and period are one reading, however many requests race
    # to submit them; a rejected one leaves the index, so the subscriber may send it again.
    op.execute(
        "CREATE UNIQUE INDEX readings_once_idx ON readings (meter_id, billing_period, values_key)"
        " WHERE status <> 'rejected'"
    )
    op.execute("CREATE INDEX readings_account_recent_idx ON readings (region_code, account_number, submitted_at DESC)")
    op.execute(
        """
        CREATE TABLE anonymous_attempts (
            id BIGSERIAL PRIMARY KEY,
            client_address TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX anonymous_attempts_recent_idx ON anonymous_attempts (client_address, created_at DESC)")


def downgrade() -> None:
    for table in ("anonymous_attempts", "readings", "meters", "account_links", "accounts"):
        op.execute(f"DROP TABLE {table}")
