"""Announce, once, the letter preferences chosen before they were announced at all.

The notifications service learns a user's preferences only from
`identity.letter_preferences.changed.v1`, raised on each change since the reminders were built
(docs/operations.md "Reminders"). A user who had chosen letters in `/profile/notifications`
before then was never announced, so notifications would send them every reminder. This revision
writes that event into the outbox for every user whose stored choice is not the default (every
letter on, which is what notifications assumes for a user it has heard nothing about), in the
migration's own transaction: exactly once per database, and the relay publishes the rows as it
publishes any other (the outbox's trigger wakes it on commit).

`changed_at` is the choice's own time (`updated_at`), not the migration's: notifications keeps
the newest, so where it already has a later change this announcement changes nothing. A data
revision has nothing to undo: `downgrade` leaves the announcements where they went.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-17
"""

import json

import sqlalchemy as sa
from alembic import op

from lka_common.events.envelope import CONTENT_TYPE, new_event
from lka_common.events.identity import LetterPreferencesChanged

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SOURCE = "/lka/identity"  # IdentitySettings().source: the producer every identity event names
# The columns of letter_preferences at this revision (0007), a snapshot like the table's DDL.
KINDS = ("reading_window", "verification_due", "debt", "bill_issued", "payment_receipts", "new_sign_in")
BATCH = 1000  # users per round trip, so a large table is never held in memory at once

CHOSEN = sa.text(
    f"SELECT user_id, {', '.join(KINDS)}, updated_at FROM letter_preferences"
    f" WHERE user_id > CAST(:after AS uuid) AND NOT ({' AND '.join(KINDS)}) ORDER BY user_id LIMIT {BATCH}"
)
# The row lka_common.messaging.outbox writes for an event raised in a unit of work.
TO_OUTBOX = sa.text(
    "INSERT INTO outbox (message_id, exchange, routing_key, body, headers, sensitive)"
    " VALUES (CAST(:message_id AS uuid), :exchange, :routing_key, :body, CAST(:headers AS jsonb), :sensitive)"
)


def outbox_row(chosen: sa.RowMapping) -> dict[str, object]:
    data = LetterPreferencesChanged(
        user_id=chosen["user_id"], changed_at=chosen["updated_at"], **{kind: chosen[kind] for kind in KINDS}
    )
    event = new_event(data, SOURCE, subject=str(chosen["user_id"]))
    return {
        "message_id": event.id,
        "exchange": data.exchange,
        "routing_key": event.type,
        "body": event.to_json().decode(),
        "headers": json.dumps({"content_type": CONTENT_TYPE, **event.trace_context()}),
        "sensitive": data.sensitive,
    }


def upgrade() -> None:
    bind = op.get_bind()
    after = "00000000-0000-0000-0000-000000000000"
    while batch := bind.execute(CHOSEN, {"after": after}).mappings().all():
        bind.execute(TO_OUTBOX, [outbox_row(chosen) for chosen in batch])
        after = str(batch[-1]["user_id"])


def downgrade() -> None:
    pass
