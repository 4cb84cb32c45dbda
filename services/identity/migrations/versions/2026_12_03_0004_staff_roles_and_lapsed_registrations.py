"""Staff roles and lapsed registrations: `supervisor` is a role; no profile ever moves between
subscriber and staff; unconfirmed registrations are found by age, and users can be removed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE users
          DROP CONSTRAINT users_role_check,
          ADD CONSTRAINT users_role_check CHECK (role IN ('subscriber', 'operator', 'supervisor'))
        """
    )
    # Staff profiles are made as staff (docs/contract.md §4): whoever registered an address chose its
    # password, so a subscriber turned staff would hand the supplier's rights to a stranger.
    # The code has no such update any more; the database refuses one from anywhere else too.
    op.execute(
        """
        CREATE FUNCTION users_role_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.role <> NEW.role AND 'subscriber' IN (OLD.role, NEW.role) THEN
            RAISE EXCEPTION 'user % cannot go from role % to %', OLD.id, OLD.role, NEW.role;
          END IF;
          RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER users_role_kept BEFORE UPDATE OF role ON users
          FOR EACH ROW EXECUTE FUNCTION users_role_kept();
        """
    )
    # Housekeeping's sweep of lapsed registrations (adapters/users.lapsed_registrations), and
    # what removing a user needs: each deleted row has PostgreSQL look for rows still naming it,
    # through every foreign key, which without these indexes is a scan of the table per user.
    op.execute("CREATE INDEX users_unconfirmed_idx ON users (created_at) WHERE email_confirmed_at IS NULL")
    op.execute("CREATE INDEX users_merged_into_idx ON users (merged_into) WHERE merged_into IS NOT NULL")
    op.execute("CREATE INDEX sessions_user_idx ON sessions (user_id)")
    op.execute("CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id)")


def downgrade() -> None:
    for index in ("one_time_tokens_user_idx", "sessions_user_idx", "users_merged_into_idx", "users_unconfirmed_idx"):
        op.execute(f"DROP INDEX {index}")
    op.execute("DROP TRIGGER users_role_kept ON users")
    op.execute("DROP FUNCTION users_role_kept()")
    op.execute(
        """
        ALTER TABLE users
          DROP CONSTRAINT users_role_check,
          ADD CONSTRAINT users_role_check CHECK (role IN ('subscriber', 'operator'))
        """
    )
