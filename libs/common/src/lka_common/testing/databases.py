"""Fresh, really migrated databases for a test run, dropped afterwards."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from lka_common.migrations import upgrade


def async_url(admin_url: str, database: str) -> str:
    return (
        make_url(admin_url)
        .set(drivername="postgresql+asyncpg", database=database)
        .render_as_string(hide_password=False)
    )


def plain_url(url: str) -> str:
    """The same URL for asyncpg itself (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def in_thread(work: Callable[[], Any]) -> None:
    """Run blocking or `asyncio.run` work in a thread: the test's event loop may be running here."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


async def _execute(url: str, statements: Sequence[str]) -> None:
    conn = await asyncpg.connect(plain_url(url), timeout=10)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def create_database(admin_url: str, name: str, statements: Sequence[str] = ()) -> str:
    """Create `name` and run `statements` in it; returns its asyncpg URL."""
    in_thread(lambda: asyncio.run(_execute(admin_url, [f'CREATE DATABASE "{name}"'])))
    url = async_url(admin_url, name)
    if statements:
        in_thread(lambda: asyncio.run(_execute(url, statements)))
    return url


def create_migrated_database(admin_url: str, name: str, service_dir: Path) -> str:
    """Create `name` and apply the service's Alembic migrations; returns its asyncpg URL."""
    url = create_database(admin_url, name)
    in_thread(lambda: upgrade(service_dir, url))
    return url


def drop_database(admin_url: str, name: str) -> None:
    in_thread(lambda: asyncio.run(_execute(admin_url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])))
