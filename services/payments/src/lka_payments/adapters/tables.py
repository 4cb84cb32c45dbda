"""Tables of the payments database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import TIMESTAMP, BigInteger, Boolean, Column, Integer, MetaData, Table, Text, UniqueConstraint
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
    Column("confirmation_url", Text),  # the card page or the 3-D Secure challenge; none for SBP
    Column("method", Text, nullable=False),  # card, sbp
    Column("save_card", Boolean, nullable=False),
    Column("card_id", UUID(as_uuid=True)),  # the saved card paid with
    Column("qr_id", Text),  # SBP: the QR code's id and text (an NSPK link)
    Column("qr_payload", Text),
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

# Cards the bank keeps for a subscriber (RBS bindings): only what the bank returned about them.
cards = Table(
    "cards",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("binding_id", Text, nullable=False, unique=True),
    Column("brand", Text, nullable=False),
    Column("pan_masked", Text, nullable=False),
    Column("expiry", Text, nullable=False),  # MM/YY
    Column("created_at", TS, nullable=False),
    Column("deleted_at", TS),  # unbound at the bank: never listed nor paid with again
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
