"""Tables of the accounts database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from lka_common.scheduler.tables import include_in as include_scheduler_tables

metadata = MetaData()

regions = Table(
    "regions",
    metadata,
    Column("code", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("position", Integer, nullable=False, unique=True),
)

# The registry: each account as billing last sent it (the newest `as_of` wins).
billing_accounts = Table(
    "billing_accounts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("owner_surname", Text, nullable=False),
    Column("owner_initials", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("debt_kopecks", BigInteger, nullable=False),
    Column("penalty_kopecks", BigInteger, nullable=False),
    Column("last_payment_kopecks", BigInteger),
    Column("last_payment_date", Date),
    Column("as_of", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("region_code", "number", name="billing_accounts_region_number_key"),
)

portal_payments = Table(
    "portal_payments",
    metadata,
    Column("payment_id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("amount_kopecks", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True)),
    Column("registered_at", DateTime(timezone=True)),
    Column("billing_payment_id", Text),
)

account_links = Table(
    "account_links",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("linked_via", Text, nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

link_requests = Table(
    "link_requests",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("region_code", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("comment", Text),
    Column("decided_by", UUID(as_uuid=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # What the subscriber entered last (one of the two, or neither before migration 0004).
    Column("proof_amount_kopecks", BigInteger),
    Column("proof_letters", Text),
    Column("requester_email", Text),
)
# One open request per user and account: asking again reuses it.
Index(
    "link_requests_one_pending_idx",
    link_requests.c.user_id,
    link_requests.c.region_code,
    link_requests.c.number,
    unique=True,
    postgresql_where=text("status = 'pending'"),
)

link_attempts = Table(
    "link_attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("key", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Bills as billing issued them (`billing.bill.issued.v1`); the same id again is the same bill.
bills = Table(
    "bills",
    metadata,
    Column("id", Text, primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("opening_balance_kopecks", BigInteger, nullable=False),
    # [{"title", "zone", "quantity_kwh": "127.5" (a decimal string, exact), "price_kopecks", "amount_kopecks"}]
    Column("lines", JSONB, nullable=False),
    Column("payments_kopecks", BigInteger, nullable=False),
    Column("penalty_kopecks", BigInteger, nullable=False),
    Column("total_due_kopecks", BigInteger, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
Index("bills_account_recent_idx", bills.c.region_code, bills.c.number, bills.c.period.desc(), bills.c.issued_at.desc())

# Each subscriber's paperless switch per account (PUT /accounts/{id}/paperless).
paperless = Table(
    "paperless",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# Each reminder sent (docs/contract.md §4 "Reminders"), claimed with its letters in one
# transaction: at most one per kind, account and bill period, however often the job runs.
reminders_sent = Table(
    "reminders_sent",
    metadata,
    Column("kind", Text, primary_key=True),  # debt
    Column("account_id", UUID(as_uuid=True), primary_key=True),  # billing_accounts.id
    Column("period", Text, primary_key=True),  # "YYYY-MM", the bill's period
    Column("recipients", SmallInteger, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

# The shared scheduler's jobs and runs (lka_common.scheduler), which runs the reminder here.
include_scheduler_tables(metadata)
