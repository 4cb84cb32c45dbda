"""Tables of the readings database (the schema itself is in migrations/), with every constraint
and index the code names or relies on (tests/schema checks them against the migrations)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from lka_common.access import access_table
from lka_common.scheduler.tables import include_in as include_scheduler_tables

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("number", Text, nullable=False),
    UniqueConstraint("region_code", "number", name="accounts_region_number_key"),
)

account_links = access_table("account_links", metadata)

meters = Table(
    "meters",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("serial_number", Text, nullable=False),
    Column("zones", SmallInteger, nullable=False),
    Column("digits", SmallInteger, nullable=False),
    Column("last_values", JSONB),  # {"T1": "12456.5"}: decimal strings, exact
    Column("last_date", Date),
    Column("removed", Boolean, nullable=False),
    Column("event_time", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("verification_due", Date),  # the verification-due reminder's (docs/contract.md §4)
)
# The meters in service by verification date: the verification-due reminder's few each day, in
# the order its batches take them (date, then id).
Index(
    "meters_verification_due_idx",
    meters.c.verification_due,
    meters.c.id,
    postgresql_where=meters.c.removed.is_(False),
)
# Billing names a meter by account and serial: its events update the row they name.
meter_by_serial = UniqueConstraint(
    meters.c.region_code, meters.c.account_number, meters.c.serial_number, name="meters_account_serial_key"
)

# Every reading billing accepted as it named them in its meter events (the last reading of
# each), one per meter and day: the meter row keeps only the newest, which is our own reading
# once billing accepts it, so consumption needs the ones before it (domain/consumption.py).
billing_readings = Table(
    "billing_readings",
    metadata,
    Column("meter_id", UUID(as_uuid=True), ForeignKey("meters.id"), primary_key=True),
    Column("taken_on", Date, primary_key=True),
    Column("reading_values", JSONB, nullable=False),  # {"T1": "12456.5"}, as meters.last_values
    Column("event_time", DateTime(timezone=True)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

readings = Table(
    "readings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("meter_id", UUID(as_uuid=True), ForeignKey("meters.id"), nullable=False),
    Column("account_id", UUID(as_uuid=True), nullable=False),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("meter_serial", Text, nullable=False),
    Column("reading_values", JSONB, nullable=False),
    Column("values_key", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("billing_period", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("status_reason", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    # The estimate of the reading's cost made when it was submitted (domain/estimates.py), for
    # its own billing period; null when there was nothing to estimate from.
    Column("estimate_kopecks", BigInteger),
    Column("estimate_tariff_id", Text),
)
# A reading billing did not reject; a literal, not a parameter, so that a prepared statement's
# generic plan can still match the partial index below.
not_rejected = readings.c.status != literal_column("'rejected'")
# The same values for the same meter and period are one reading, however many requests race.
reading_once = Index(
    "readings_once_idx",
    readings.c.meter_id,
    readings.c.billing_period,
    readings.c.values_key,
    unique=True,
    postgresql_where=not_rejected,
)
Index("readings_account_recent_idx", readings.c.region_code, readings.c.account_number, readings.c.submitted_at.desc())
# An account's readings of a period billing did not reject: the reading-window reminder's "none
# yet", looked up by the account's id, the order its batches go in (reminder_accounts below).
Index("readings_account_id_period_idx", readings.c.account_id, readings.c.billing_period, postgresql_where=not_rejected)

# Every version of every tariff billing announced (`billing.tariff.updated.v1`).
tariffs = Table(
    "tariffs",
    metadata,
    Column("tariff_id", Text, primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date),
    Column("region_code", Text),  # null: every region
    Column("zones", SmallInteger, nullable=False),
    Column("prices_kopecks", JSONB, nullable=False),  # {"T1": 649, "T2": 325}
    Column("event_time", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Each account's tariff as billing's account events last named it (the newest as_of wins).
account_tariffs = Table(
    "account_tariffs",
    metadata,
    Column("region_code", Text, primary_key=True),
    Column("account_number", Text, primary_key=True),
    Column("tariff_id", Text),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

anonymous_attempts = Table(
    "anonymous_attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("client_address", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("anonymous_attempts_recent_idx", anonymous_attempts.c.client_address, anonymous_attempts.c.created_at.desc())

anonymous_account_attempts = Table(
    "anonymous_account_attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index(
    "anonymous_account_attempts_recent_idx",
    anonymous_account_attempts.c.region_code,
    anonymous_account_attempts.c.account_number,
    anonymous_account_attempts.c.created_at.desc(),
)

# Reminders sent, one row per kind, subject (an account, or a meter) and period: claimed in the
# same transaction as the letters, so a run that crashed, or a second runner, never sends twice.
reminders_sent = Table(
    "reminders_sent",
    metadata,
    # reading_window; verification_month_before, verification_due (domain/reminders.py)
    Column("kind", Text, primary_key=True),
    Column("subject_id", UUID(as_uuid=True), primary_key=True),  # the account (reading window) or the meter
    # "YYYY-MM", the billing period (reading window); "YYYY-MM-DD", the verification date
    Column("period", Text, primary_key=True),
    Column("recipients", SmallInteger, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

# Each account of the access projection as the reading-window reminder asks about it: a meter in
# service, the last day billing took a reading of one, who is linked now. Kept by the meters' and
# links' events (adapters/reminder_accounts.py), so a batch reads a range of this key instead of
# probing meters, billing's readings and links for each account. The key carries the columns
# (INCLUDE): the batch is an index-only scan of neighbouring pages, whatever order the rows lie in.
reminder_accounts = Table(
    "reminder_accounts",
    metadata,
    Column("account_id", UUID(as_uuid=True), nullable=False),
    Column("number", Text, nullable=False),
    Column("in_service", Boolean, nullable=False),
    Column("billed_on", Date),
    Column("users", ARRAY(UUID(as_uuid=True)), nullable=False),  # linked now, in order
    PrimaryKeyConstraint(
        "account_id", name="reminder_accounts_pkey", postgresql_include=["number", "in_service", "billed_on", "users"]
    ),
)

# The shared scheduler's jobs and runs (lka_common.scheduler), which runs the reminders here.
include_scheduler_tables(metadata)
