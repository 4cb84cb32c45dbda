"""One database and one role per service on the local server, migrated (idempotent)."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from lka_common.migrations import upgrade
from lka_common.settings import ServiceSettings, service_database_url
from lka_devstack.layout import SERVICES


def database_url(service: str, server_url: str) -> str:
    """The service's database on the server itself: past a pooler, if it has one (migrations
    run in one session, which a transaction pooler does not keep)."""
    prefix = f"LKA_{service.upper()}_"
    return (
        os.environ.get(prefix + "DATABASE_DIRECT_URL")
        or os.environ.get(prefix + "DATABASE_URL")
        or service_database_url(service, server_url)
    )


def statement_timeout_ms(service: str) -> int:
    default = ServiceSettings.model_fields["db_statement_timeout_ms"].default
    return int(os.environ.get(f"LKA_{service.upper()}_DB_STATEMENT_TIMEOUT_MS") or default)


async def create_database(admin: asyncpg.Connection, url: str, timeout_ms: int) -> None:
    """Create the role and database named in `url` unless they exist. The role's own statement
    timeout is the one its sessions get behind a transaction pooler (lka_common.db)."""
    parsed = make_url(url)
    role, password, name = parsed.username, parsed.password, parsed.database
    if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        await admin.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
    config = await admin.fetchval("SELECT rolconfig FROM pg_roles WHERE rolname = $1", role) or []
    if f"statement_timeout={int(timeout_ms)}" not in config:  # unchanged: no write two stacks could race on
        await admin.execute(f'ALTER ROLE "{role}" SET statement_timeout = {int(timeout_ms)}')
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')


async def create_service_databases(server_url: str) -> dict[str, str]:
    admin = await asyncpg.connect(server_url, timeout=5)
    try:
        urls = {svc.name: database_url(svc.name, server_url) for svc in SERVICES}
        for service, url in urls.items():
            await create_database(admin, url, statement_timeout_ms(service))
        return urls
    finally:
        await admin.close()


def migrate_all(root: Path, urls: dict[str, str]) -> None:
    for svc in SERVICES:
        upgrade(svc.directory(root), urls[svc.name])
