"""Tables of the notifications database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import UUID

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
    Column("forwarded_at", DateTime(timezone=True)),
)
