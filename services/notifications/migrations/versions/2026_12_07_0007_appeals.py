"""Appeals (обращения): the appeals, their messages and files (bytea, so a backup holds them),
the per-year counter of their numbers, and the staff members seen at the appeals desk.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appeals",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.Text, nullable=False, unique=True),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", UUID(as_uuid=True)),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("assignee_id", UUID(as_uuid=True)),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("appeals_user_idx", "appeals", ["user_id", "registered_at"])
    op.create_index("appeals_status_due_idx", "appeals", ["status", "due_date"])
    op.create_table(
        "appeal_messages",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("appeal_id", UUID(as_uuid=True), sa.ForeignKey("appeals.id"), nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("author_user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("appeal_messages_appeal_idx", "appeal_messages", ["appeal_id", "at"])
    op.create_table(
        "appeal_attachments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("appeal_id", UUID(as_uuid=True), sa.ForeignKey("appeals.id"), nullable=False),
        sa.Column("message_id", UUID(as_uuid=True), sa.ForeignKey("appeal_messages.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("appeal_attachments_message_idx", "appeal_attachments", ["message_id"])
    # JPEG, PNG and PDF are compressed already: stored out of line without another try at it.
    op.execute("ALTER TABLE appeal_attachments ALTER COLUMN content SET STORAGE EXTERNAL")
    op.create_table(
        "appeal_counters",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "appeal_staff",
        sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("appeal_staff", "appeal_counters", "appeal_attachments", "appeal_messages", "appeals"):
        op.drop_table(table)
