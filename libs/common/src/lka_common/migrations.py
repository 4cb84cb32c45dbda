"""Alembic support shared by every service: the env.py body, the messaging tables, upgrades.

A service's `migrations/env.py` is two lines (`run_env(metadata)`); its first revision calls
`create_messaging_tables_v1()`, its third `create_outbox_notify_trigger_v1()`, and the one
that brought the audit `create_audit_table_v1()`; a service with scheduled work calls
`create_scheduler_tables_v1()` (lka_common.scheduler). The URL comes
from the Alembic config when a tool sets it (`upgrade()` below), else from the service's
settings.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

# A snapshot, not a reference to messaging/tables.py: a revision must keep meaning what it
# meant when it was written. A later change to the tables is a new revision.
MESSAGING_TABLES_V1 = [
    """
    CREATE TABLE outbox (
        id BIGSERIAL PRIMARY KEY,
        message_id UUID NOT NULL UNIQUE,
        exchange TEXT NOT NULL,
        routing_key TEXT NOT NULL,
        body TEXT NOT NULL,
        headers JSONB NOT NULL DEFAULT '{}'::jsonb,
        sensitive BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        published_at TIMESTAMPTZ,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_error TEXT
    )
    """,
    "CREATE INDEX outbox_unpublished_idx ON outbox (next_attempt_at, id) WHERE published_at IS NULL",
    """
    CREATE TABLE inbox (
        message_id TEXT NOT NULL,
        consumer TEXT NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT inbox_pkey PRIMARY KEY (message_id, consumer)
    )
    """,
]


def create_messaging_tables_v1() -> None:
    for statement in MESSAGING_TABLES_V1:
        op.execute(statement)


def drop_messaging_tables_v1() -> None:
    op.execute("DROP TABLE IF EXISTS inbox")
    op.execute("DROP TABLE IF EXISTS outbox")


# The relay's wake-up, raised by PostgreSQL itself for every statement that adds outbox rows:
# one round trip fewer for every transaction that raises events than a NOTIFY of its own
# (docs/performance.md). Delivered on commit, never on rollback; repeated NOTIFYs of one
# transaction reach the listener once. The channel is messaging/tables.py's OUTBOX_CHANNEL.
OUTBOX_NOTIFY_TRIGGER_V1 = [
    """
    CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('lka_outbox', '');
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()",
]


def create_outbox_notify_trigger_v1() -> None:
    for statement in OUTBOX_NOTIFY_TRIGGER_V1:
        op.execute(statement)


def drop_outbox_notify_trigger_v1() -> None:
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")


# The audit chain (lka_common.audit, docs/security.md "The audit"): append-only twice over. A
# statement trigger refuses UPDATE, DELETE and TRUNCATE to everyone but a session that disables
# it, and the role that runs the migration (the service's own, docs/operations.md) gives up
# those three privileges on the table. Its id is taken from the sequence under the audit's
# advisory lock, so ids ascend in chain order; a rolled-back record leaves a gap, which the
# chain (each record's prev_hash) tells apart from a removal. The table as the code reads it:
# lka_common.audit.audit_records.
AUDIT_TABLE_V1 = [
    """
    CREATE TABLE audit_records (
        id BIGSERIAL PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        actor_user_id UUID NOT NULL,
        actor_role TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT,
        client_address TEXT,
        request_id TEXT,
        outcome TEXT NOT NULL,
        prev_hash TEXT NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
    )
    """,
    """
    CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()
    """,
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM PUBLIC, CURRENT_USER",
]


def create_audit_table_v1() -> None:
    for statement in AUDIT_TABLE_V1:
        op.execute(statement)


def drop_audit_table_v1() -> None:
    op.execute("DROP TABLE IF EXISTS audit_records")
    op.execute("DROP FUNCTION IF EXISTS audit_records_append_only()")


# The scheduler's jobs and runs (lka_common.scheduler, docs/operations.md "Scheduled work"): a
# lease per job (who runs it, until when) and every run's progress and outcome. The tables as the
# code reads them: lka_common.scheduler.tables.
SCHEDULER_TABLES_V1 = [
    """
    CREATE TABLE scheduled_jobs (
        name TEXT PRIMARY KEY,
        lease_owner TEXT,
        lease_until TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE job_runs (
        id BIGSERIAL PRIMARY KEY,
        job TEXT NOT NULL REFERENCES scheduled_jobs (name),
        runner TEXT NOT NULL,
        business_date DATE NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ,
        batches INTEGER NOT NULL DEFAULT 0,
        items INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        error TEXT
    )
    """,
    "CREATE INDEX job_runs_newest ON job_runs (job, started_at DESC)",
]


def create_scheduler_tables_v1() -> None:
    for statement in SCHEDULER_TABLES_V1:
        op.execute(statement)


def drop_scheduler_tables_v1() -> None:
    op.execute("DROP TABLE IF EXISTS job_runs")
    op.execute("DROP TABLE IF EXISTS scheduled_jobs")


def run_env(target_metadata: MetaData | None, default_url: str) -> None:
    """The whole of a service's env.py: online migrations over asyncpg."""
    url = context.config.get_main_option("sqlalchemy.url") or default_url

    def do_run(connection: Any) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        # The services' roles carry a statement timeout for request traffic (docs/operations.md);
        # a migration building an index on a large table must not be cut off by it.
        engine = create_async_engine(
            url, poolclass=pool.NullPool, connect_args={"server_settings": {"statement_timeout": "0"}}
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())


def alembic_config(service_dir: Path, url: str | None = None) -> Config:
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(service_dir: Path, url: str | None = None, revision: str = "head") -> None:
    """Apply a service's migrations (blocking; call outside a running event loop)."""
    command.upgrade(alembic_config(service_dir, url), revision)
