"""Tables of the readings database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, MetaData, SmallInteger, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("number", Text, nullable=False),
)

account_links = Table(
    "account_links",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("linked", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

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
)

readings = Table(
    "readings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("meter_id", UUID(as_uuid=True), nullable=False),
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
)

anonymous_attempts = Table(
    "anonymous_attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("client_address", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

anonymous_account_attempts = Table(
    "anonymous_account_attempts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
