"""Tables of the notifications database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from lka_common.access import access_table

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("topic", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("name", Text),
    Column("user_id", UUID(as_uuid=True)),
    Column("client_address", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The delivery log: one row per letter (message and recipient), never its parameters, so no
# link with a secret token is ever stored.
letters = Table(
    "letters",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("letter_key", Text, nullable=False, unique=True),
    Column("message_id", Text, nullable=False),
    Column("template", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("user_id", UUID(as_uuid=True)),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
)
# The hourly cap's count: letters sent to one mailbox, in any letter case.
Index(
    "letters_mailbox_sent_idx",
    func.lower(letters.c.recipient),
    letters.c.sent_at,
    postgresql_where=text("status = 'sent'"),
)

# Reminder letters waiting to be sent: a `SendReminders`'s letters, written by its handler and
# sent one by one by the reminder sender (service_layer/reminder_sender.py), each row deleted in
# its letter's transaction; `not_before` is pushed back after a failed attempt.
reminders_due = Table(
    "reminders_due",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("message_id", Text, nullable=False),  # the command's CloudEvent id
    Column("position", Integer, nullable=False),  # the letter's place in the command
    Column("template", Text, nullable=False),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("params", JSONB, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    # The command's correlation id and W3C trace context, which the letter's log lines and its
    # span take when it is sent; null in a letter kept before they were (migration 0010).
    Column("correlation_id", Text),
    Column("traceparent", Text),
    Column("tracestate", Text),
    UniqueConstraint("message_id", "position", name="reminders_due_letter_key"),
)
# The next one due: the front of this index, never a sort of the waiting letters.
Index("reminders_due_next_idx", reminders_due.c.not_before, reminders_due.c.id)

address_book = Table(
    "address_book",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("email", Text, nullable=False),
    Column("confirmed", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Each subscriber's letter preferences as identity last announced them (the newest `changed_at`
# wins); no row: every letter wanted, as identity's own default.
letter_preferences = Table(
    "letter_preferences",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("turned_off", ARRAY(Text), nullable=False),  # the preferences that are off
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# Who follows which account (gets its letters): a projection of accounts' link events and of
# identity's merges (lka_common.access).
account_subscribers = access_table("account_subscribers", metadata)

# Appeals (обращения): one row per appeal, its conversation, its files (in the database, so a
# backup holds them), a counter per year for the numbers, and the staff members seen at the
# appeals desk (whom an appeal can be assigned to).
appeals = Table(
    "appeals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("account_id", UUID(as_uuid=True)),
    Column("topic", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("assignee_id", UUID(as_uuid=True)),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("appeals_user_idx", appeals.c.user_id, appeals.c.registered_at)
Index("appeals_status_due_idx", appeals.c.status, appeals.c.due_date)

appeal_messages = Table(
    "appeal_messages",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("appeal_id", UUID(as_uuid=True), ForeignKey("appeals.id"), nullable=False),
    Column("author", Text, nullable=False),
    Column("author_user_id", UUID(as_uuid=True), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
Index("appeal_messages_appeal_idx", appeal_messages.c.appeal_id, appeal_messages.c.at)

appeal_attachments = Table(
    "appeal_attachments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("appeal_id", UUID(as_uuid=True), ForeignKey("appeals.id"), nullable=False),
    Column("message_id", UUID(as_uuid=True), ForeignKey("appeal_messages.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)
Index("appeal_attachments_message_idx", appeal_attachments.c.message_id)

# One row per year, locked by the insert that takes the next number until its transaction
# ends: numbers follow commit order without gaps (a rolled-back appeal gives its number back).
appeal_counters = Table(
    "appeal_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_number", Integer, nullable=False),
)

appeal_staff = Table(
    "appeal_staff",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("role", Text, nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
