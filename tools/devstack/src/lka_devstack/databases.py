"""One database and one role per service on the local server, migrated (idempotent)."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from lka_common.migrations import upgrade
from lka_common.settings import service_database_url
from lka_devstack.layout import SERVICES


def database_url(service: str, server_url: str) -> str:
    return os.environ.get(f"LKA_{service.upper()}_DATABASE_URL") or service_database_url(service, server_url)


async def create_database(admin: asyncpg.Connection, url: str) -> None:
    """Create the role and database named in `url` unless they exist."""
    parsed = make_url(url)
    role, password, name = parsed.username, parsed.password, parsed.database
    if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        await admin.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')


async def create_service_databases(server_url: str) -> dict[str, str]:
    admin = await asyncpg.connect(server_url, timeout=5)
    try:
        urls = {svc.name: database_url(svc.name, server_url) for svc in SERVICES}
        for url in urls.values():
            await create_database(admin, url)
        return urls
    finally:
        await admin.close()


def migrate_all(root: Path, urls: dict[str, str]) -> None:
    for svc in SERVICES:
        upgrade(svc.directory(root), urls[svc.name])
