"""The audit: identity's own chain (staff management, the supervisors' searches), and the copy of
every service's records, filled by identity's consumer from `<service>.audit.recorded.v1`, that
`GET /operator/audit` searches (lka_common.audit, docs/contract.md §4 "Audit").

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from alembic import op

from lka_common.migrations import create_audit_table_v1, drop_audit_table_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_table_v1()
    op.execute(
        """
        CREATE TABLE audit_projection (
            service TEXT NOT NULL,
            id BIGINT NOT NULL,
            at TIMESTAMPTZ NOT NULL,
            actor_user_id UUID NOT NULL,
            actor_role TEXT NOT NULL,
            action TEXT NOT NULL,
            object_type TEXT NOT NULL,
            object_id TEXT,
            client_address TEXT,
            request_id TEXT,
            outcome TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            CONSTRAINT audit_projection_pkey PRIMARY KEY (service, id)
        )
        """
    )
    # Newest first, all records or one actor's, object's or action's.
    op.execute("CREATE INDEX audit_projection_at_idx ON audit_projection (at)")
    op.execute("CREATE INDEX audit_projection_actor_idx ON audit_projection (actor_user_id, at)")
    op.execute("CREATE INDEX audit_projection_object_idx ON audit_projection (object_id, at)")
    op.execute("CREATE INDEX audit_projection_action_idx ON audit_projection (action, at)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS audit_projection")
    drop_audit_table_v1()
