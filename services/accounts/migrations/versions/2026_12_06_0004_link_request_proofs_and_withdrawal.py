"""Link requests keep what the subscriber entered (the proof) and their e-mail at the time, so an
operator can judge a request from its card; a request can be withdrawn; the account's other
requests are found by region and number.

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
    # Exactly one proof, or none for a request filed before this revision.
    op.execute(
        """
        ALTER TABLE link_requests
            ADD COLUMN proof_amount_kopecks BIGINT CHECK (proof_amount_kopecks > 0),
            ADD COLUMN proof_letters TEXT,
            ADD COLUMN requester_email TEXT,
            ADD CONSTRAINT link_requests_one_proof_check
                CHECK (proof_amount_kopecks IS NULL OR proof_letters IS NULL)
        """
    )
    op.execute("ALTER TABLE link_requests DROP CONSTRAINT link_requests_status_check")
    op.execute(
        "ALTER TABLE link_requests ADD CONSTRAINT link_requests_status_check"
        " CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'))"
    )
    # The history of an account on an operator's card: every request for it, whoever filed it.
    op.execute("CREATE INDEX link_requests_account_recent_idx ON link_requests (region_code, number, created_at DESC)")


def downgrade() -> None:
    op.execute("DROP INDEX link_requests_account_recent_idx")
    op.execute("DELETE FROM link_requests WHERE status = 'withdrawn'")
    op.execute("ALTER TABLE link_requests DROP CONSTRAINT link_requests_status_check")
    op.execute(
        "ALTER TABLE link_requests ADD CONSTRAINT link_requests_status_check"
        " CHECK (status IN ('pending', 'approved', 'rejected'))"
    )
    op.execute(
        """
        ALTER TABLE link_requests
            DROP CONSTRAINT link_requests_one_proof_check,
            DROP COLUMN requester_email,
            DROP COLUMN proof_letters,
            DROP COLUMN proof_amount_kopecks
        """
    )
