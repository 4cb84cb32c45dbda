"""Tables of the payments database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import (
    TIMESTAMP,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from lka_common.access import access_table
from lka_common.scheduler.tables import include_in as include_scheduler_tables

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
    # The bank's order: one per payment, or one per basket, which all its payments share.
    Column("order_number", Text, nullable=False),
    Column("acquirer_order_id", Text, nullable=False),
    Column("basket_id", UUID(as_uuid=True), ForeignKey("baskets.id")),
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
    # What the bank gave back of it so far: its refunds that succeeded (refunds below).
    Column("refunded_kopecks", BigInteger, nullable=False, server_default="0"),
    # A repeated Idempotency-Key of the same user is the same payment.
    UniqueConstraint("user_id", "idempotency_key"),
)
_ALONE = payments.c.basket_id.is_(None)
Index("payments_order_number_alone", payments.c.order_number, unique=True, postgresql_where=_ALONE)
Index("payments_acquirer_order_alone", payments.c.acquirer_order_id, unique=True, postgresql_where=_ALONE)
Index("payments_by_order", payments.c.acquirer_order_id)
Index("payments_of_basket", payments.c.basket_id, postgresql_where=payments.c.basket_id.is_not(None))
# The staff's lookup (by account, newest first) and the day's reconciliation (paid in the day).
Index("payments_by_number", payments.c.region_code, payments.c.account_number, payments.c.created_at)
Index("payments_paid_at", payments.c.paid_at)

# Several of the payer's accounts paid by one bank order (docs/contract.md §2 "payments"): the
# order and how it is paid; each account's part is a payment of its own with this basket_id.
baskets = Table(
    "baskets",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("idempotency_key", Text, nullable=False),
    Column("request_fingerprint", Text, nullable=False),
    Column("amount_kopecks", BigInteger, nullable=False),
    Column("method", Text, nullable=False),
    Column("order_number", Text, nullable=False, unique=True),
    Column("acquirer_order_id", Text, nullable=False, unique=True),
    Column("confirmation_url", Text),
    Column("qr_id", Text),
    Column("qr_payload", Text),
    Column("created_at", TS, nullable=False),
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

# The shared scheduler's jobs and runs (lka_common.scheduler), which runs autopay here.
include_scheduler_tables(metadata)

# What each account owes, as billing last said (billing.account.updated.v1; the newest as_of wins).
account_balances = Table(
    "account_balances",
    metadata,
    Column("region_code", Text, primary_key=True),
    Column("account_number", Text, primary_key=True),
    Column("debt_kopecks", BigInteger, nullable=False),
    Column("penalty_kopecks", BigInteger, nullable=False),
    Column("as_of", TS, nullable=False),
)

# Autopay: at most one per account, paid with its owner's saved card on its day of the month.
autopays = Table(
    "autopays",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("card_id", UUID(as_uuid=True), ForeignKey("cards.id"), nullable=False),
    Column("day_of_month", Integer, nullable=False),
    Column("max_amount_kopecks", BigInteger, nullable=False),
    Column("status", Text, nullable=False),  # active, disabled (by the failures, or the account unlinked)
    Column("disabled_reason", Text),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

# Each autopay attempt, keyed (account, month, attempt): claimed before the bank is asked,
# settled with its payment in one transaction; `payment_id` is also the bank's order number.
autopay_charges = Table(
    "autopay_charges",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("period", Text, primary_key=True),  # YYYY-MM
    Column("attempt", Integer, primary_key=True),  # 1 on the day, 2 the day after a failure
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("payment_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("card_id", UUID(as_uuid=True), nullable=False),
    Column("amount_kopecks", BigInteger, nullable=False),
    Column("status", Text, nullable=False),  # claimed, succeeded, failed
    Column("reason", Text),
    Column("claimed_at", TS, nullable=False),
    Column("finished_at", TS),
)

# Letters sent once per account and month (`reminder`: 3 days before the day).
autopay_notices = Table(
    "autopay_notices",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("period", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("sent_at", TS, nullable=False),
)

# Refunds the supplier's staff ask for (domain/refunds.py): a request's amount is reserved from
# the moment it is made, under the payment row's lock, so refunds never sum to more than was paid.
refunds = Table(
    "refunds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("payment_id", UUID(as_uuid=True), ForeignKey("payments.id"), nullable=False),
    Column("amount_kopecks", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", Text, nullable=False),  # awaiting_approval, pending, succeeded, failed, rejected
    Column("requested_by", UUID(as_uuid=True), nullable=False),
    Column("idempotency_key", Text, nullable=False),
    Column("request_fingerprint", Text, nullable=False),
    Column("decided_by", UUID(as_uuid=True)),  # the supervisor who approved or rejected it
    Column("decision_comment", Text),
    Column("failure_reason", Text),  # the bank's refusal
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("decided_at", TS),
    Column("refunded_at", TS),
    UniqueConstraint("requested_by", "idempotency_key"),
)
Index("refunds_of_payment", refunds.c.payment_id)
Index("refunds_unsettled", refunds.c.updated_at, postgresql_where=refunds.c.status == "pending")
Index("refunds_refunded_at", refunds.c.refunded_at)

# A payment's story beyond its columns: callbacks received, statuses polled, events sent, refunds'
# steps; each written in the transaction of what it tells (adapters/story.py).
payment_events = Table(
    "payment_events",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("payment_id", UUID(as_uuid=True), nullable=False),
    Column("at", TS, nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
)
Index("payment_events_of_payment", payment_events.c.payment_id, payment_events.c.id)

# A day's reconciliation with the bank's registry (service_layer/reconciling.py): one row a day,
# its findings replaced whole by each run.
reconciliations = Table(
    "reconciliations",
    metadata,
    Column("day", Date, primary_key=True),
    Column("status", Text, nullable=False),  # running, completed, failed
    Column("bank_total_kopecks", BigInteger),
    Column("our_total_kopecks", BigInteger),
    Column("matched", Integer),
    Column("runs", Integer, nullable=False),
    Column("requested_by", UUID(as_uuid=True)),  # None: the nightly job
    Column("error", Text),
    Column("started_at", TS, nullable=False),
    Column("finished_at", TS),
)

reconciliation_discrepancies = Table(
    "reconciliation_discrepancies",
    metadata,
    Column("day", Date, ForeignKey("reconciliations.day"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("acquirer_order_id", Text),
    Column("payment_id", UUID(as_uuid=True)),
    Column("bank_amount_kopecks", BigInteger),
    Column("our_amount_kopecks", BigInteger),
    Column("resolution", Text, nullable=False),
)
