"""The audit chain: staff actions and staff reads, append-only and hash-chained
(lka_common.audit, docs/contract.md §4 "Audit").

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from lka_common.migrations import create_audit_table_v1, drop_audit_table_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_table_v1()


def downgrade() -> None:
    drop_audit_table_v1()
