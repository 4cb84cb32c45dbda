"""A reminder letter keeps its command's correlation id and W3C trace context (`traceparent`,
`tracestate`), so that the reminder sender, sending it later outside any message, logs it in
the command's correlation and sends it in a span of the command's trace, as the consumer does
for a `SendLetter` (service_layer/reminder_sender.py). The command that asked, the letter's
cause, is already `message_id`. Nullable, with no default: a letter kept before this has none
(sent in a correlation and a trace of its own), and adding them rewrites no row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-16
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE reminders_due"
        " ADD COLUMN correlation_id TEXT,"
        " ADD COLUMN traceparent TEXT,"
        " ADD COLUMN tracestate TEXT"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE reminders_due DROP COLUMN tracestate, DROP COLUMN traceparent, DROP COLUMN correlation_id")
