"""Who follows which account, ordered by the events' time (lka_common.access): an unlinked pair
keeps its row, `linked` false, and `changed_at` is the time of the event that last changed it,
so an unlink that overtakes its link is no longer undone by the link arriving after it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The time of the event behind a row already here is unknown (arrival is not event time):
    # '-infinity', so that any event still to come about the pair is newer and wins. The
    # defaults also serve a consumer of the previous version during a rollout, which inserts
    # neither column.
    op.execute(
        "ALTER TABLE account_subscribers"
        " ADD COLUMN linked BOOLEAN NOT NULL DEFAULT true,"
        " ADD COLUMN changed_at TIMESTAMPTZ NOT NULL DEFAULT '-infinity'"
    )


def downgrade() -> None:
    # The previous version writes to every row's user: an unlinked pair must go.
    op.execute("DELETE FROM account_subscribers WHERE NOT linked")
    op.execute("ALTER TABLE account_subscribers DROP COLUMN linked, DROP COLUMN changed_at")
