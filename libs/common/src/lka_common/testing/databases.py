"""Fresh, really migrated databases for a test run, dropped afterwards."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from lka_common.migrations import upgrade


def async_url(admin_url: str, database: str) -> str:
    return make_url(admin_url).set(drivername="postgresql+asyncpg", database=database).render_as_string(
        hide_password=False
    )


async def _admin(admin_url: str, statement: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _run(coro_factory) -> None:  # type: ignore[no-untyped-def]
    """Run admin work in a thread of its own: the test's event loop may be running here."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_factory())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def create_migrated_database(admin_url: str, name: str, service_dir: Path) -> str:
    """Create `name`, apply the service's migrations; returns its asyncpg URL."""
    _run(lambda: _admin(admin_url, f'CREATE DATABASE "{name}"'))
    url = async_url(admin_url, name)
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(service_dir, url)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    thread = threading.Thread(target=migrate)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return url


def drop_database(admin_url: str, name: str) -> None:
    _run(lambda: _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
