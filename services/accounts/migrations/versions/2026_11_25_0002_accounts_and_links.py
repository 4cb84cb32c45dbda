"""Regions (seeded), the billing registry, portal payments awaiting billing, links of users to
accounts, link requests and the counters of failed link attempts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# A snapshot, not an import: the revision must keep meaning what it meant when written. The
# codes are stable identifiers (billing sends them, clients store them); only names may change.
DISTRICTS = [
    ("bakhchisaraysky_district", "Бахчисарайский район"),
    ("belogorsky_district", "Белогорский район"),
    ("dzhankoysky_district", "Джанкойский район"),
    ("kirovsky_district", "Кировский район"),
    ("krasnogvardeysky_district", "Красногвардейский район"),
    ("krasnoperekopsky_district", "Красноперекопский район"),
    ("leninsky_district", "Ленинский район"),
    ("nizhnegorsky_district", "Нижнегорский район"),
    ("pervomaysky_district", "Первомайский район"),
    ("razdolnensky_district", "Раздольненский район"),
    ("saksky_district", "Сакский район"),
    ("simferopolsky_district", "Симферопольский район"),
    ("sovetsky_district", "Советский район"),
    ("chernomorsky_district", "Черноморский район"),
]
CITY_DISTRICTS = [
    ("alushta", "Городской округ Алушта"),
    ("armyansk", "Городской округ Армянск"),
    ("dzhankoy", "Городской округ Джанкой"),
    ("yevpatoriya", "Городской округ Евпатория"),
    ("kerch", "Городской округ Керчь"),
    ("krasnoperekopsk", "Городской округ Красноперекопск"),
    ("saki", "Городской округ Саки"),
    ("simferopol", "Городской округ Симферополь"),
    ("sudak", "Городской округ Судак"),
    ("feodosiya", "Городской округ Феодосия"),
    ("yalta", "Городской округ Ялта"),
]


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE regions (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('district', 'city_district')),
            position INTEGER NOT NULL UNIQUE
        )
        """
    )
    rows = [(c, n, "district") for c, n in DISTRICTS] + [(c, n, "city_district") for c, n in CITY_DISTRICTS]
    for position, (code, name, kind) in enumerate(rows, start=1):
        op.execute(
            f"INSERT INTO regions (code, name, kind, position) VALUES ('{code}', '{name}', '{kind}', {position})"
        )
    op.execute(
        """
        CREATE TABLE billing_accounts (
            id UUID PRIMARY KEY,
            region_code TEXT NOT NULL REFERENCES regions (code),
            number TEXT NOT NULL,
            owner_surname TEXT NOT NULL,
            owner_initials TEXT NOT NULL,
            address TEXT NOT NULL,
            debt_kopecks BIGINT NOT NULL,
            penalty_kopecks BIGINT NOT NULL,
            last_payment_kopecks BIGINT,
            last_payment_date DATE,
            as_of TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT billing_accounts_region_number_key UNIQUE (region_code, number)
        )
        """
    )
    # Portal payments billing has not registered yet (registered_at null) are `pending_payments`.
    op.execute(
        """
        CREATE TABLE portal_payments (
            payment_id UUID PRIMARY KEY,
            region_code TEXT NOT NULL,
            number TEXT NOT NULL,
            amount_kopecks BIGINT NOT NULL,
            paid_at TIMESTAMPTZ,
            registered_at TIMESTAMPTZ,
            billing_payment_id TEXT
        )
        """
    )
    op.execute(
        "CREATE INDEX portal_payments_pending_idx ON portal_payments (region_code, number) WHERE registered_at IS NULL"
    )
    op.execute(
        """
        CREATE TABLE account_links (
            user_id UUID NOT NULL,
            account_id UUID NOT NULL REFERENCES billing_accounts (id),
            linked_via TEXT NOT NULL CHECK (linked_via IN ('last_payment', 'surname', 'operator', 'merge')),
            linked_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (user_id, account_id)
        )
        """
    )
    op.execute("CREATE INDEX account_links_account_idx ON account_links (account_id)")
    op.execute("CREATE INDEX account_links_user_recent_idx ON account_links (user_id, linked_at DESC)")
    op.execute(
        """
        CREATE TABLE link_requests (
            id UUID PRIMARY KEY,
            user_id UUID NOT NULL,
            region_code TEXT NOT NULL REFERENCES regions (code),
            number TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
            comment TEXT,
            decided_by UUID,
            decided_at TIMESTAMPTZ,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    # One open request per user and account: asking again reuses it instead of piling up work.
    op.execute(
        "CREATE UNIQUE INDEX link_requests_one_pending_idx ON link_requests (user_id, region_code, number)"
        " WHERE status = 'pending'"
    )
    op.execute("CREATE INDEX link_requests_user_recent_idx ON link_requests (user_id, created_at DESC)")
    op.execute("CREATE INDEX link_requests_status_recent_idx ON link_requests (status, created_at DESC)")
    op.execute(
        """
        CREATE TABLE link_attempts (
            id BIGSERIAL PRIMARY KEY,
            key TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX link_attempts_key_recent_idx ON link_attempts (key, created_at DESC)")


def downgrade() -> None:
    for table in ("link_attempts", "link_requests", "account_links", "portal_payments", "billing_accounts", "regions"):
        op.execute(f"DROP TABLE {table}")
