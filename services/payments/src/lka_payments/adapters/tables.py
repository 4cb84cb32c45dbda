"""Tables of the payments database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import TIMESTAMP, BigInteger, Column, Integer, MetaData, Table, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID

from lka_common.access import access_table

metadata = MetaData()
TS = TIMESTAMP(timezone=True)

# Who may see and pay which account: a projection of accounts' link events (lka_common.access).
account_access = access_table(
    "account_access",
    metadata,
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("linked_at", TS, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("account_id", UUID(as_uuid=True), nullable=False),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("amount_kopecks", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("idempotency_key", Text, nullable=False),
    Column("request_fingerprint", Text, nullable=False),
    Column("order_number", Text, nullable=False, unique=True),
    Column("acquirer_order_id", Text, nullable=False, unique=True),
    Column("confirmation_url", Text, nullable=False),
    Column("payer_email", Text),
    Column("card_brand", Text),
    Column("pan_masked", Text),
    Column("approval_code", Text),
    Column("failure_reason", Text),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("paid_at", TS),
    Column("next_check_at", TS, nullable=False),
    Column("check_attempts", Integer, nullable=False),
    # A repeated Idempotency-Key of the same user is the same payment.
    UniqueConstraint("user_id", "idempotency_key"),
)

# Payments billing booked to an account, from any channel (billing.payment.registered.v1).
billing_payments = Table(
    "billing_payments",
    metadata,
    Column("billing_payment_id", Text, primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("amount_kopecks", BigInteger, nullable=False),
    Column("paid_at", TS, nullable=False),
    Column("channel", Text, nullable=False),
    Column("lka_payment_id", UUID(as_uuid=True)),
)
