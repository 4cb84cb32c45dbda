"""Tables of the notifications database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import UUID

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

address_book = Table(
    "address_book",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("email", Text, nullable=False),
    Column("confirmed", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Who follows which account (gets its letters): a projection of accounts' link events and of
# identity's merges (lka_common.access).
account_subscribers = access_table("account_subscribers", metadata)
