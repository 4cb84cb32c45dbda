"""Fresh, really migrated databases for a test run, dropped afterwards."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from functools import partial
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
    SUITE_DATABASES.get(admin_url, set()).discard(name)


# The databases of this process's test suites (`migrated_database`), by server. A suite's
# session-scoped pools (an API's holds up to 10) keep every connection they opened until the
# run ends: 40-50 in all by the time the whole-stack tests begin, a stack's whole share of
# PostgreSQL's 100 beside a developer's `make run` (docs/operations.md, "Connection budget").
SUITE_DATABASES: dict[str, set[str]] = {}
IDLE_BEFORE_RELEASE_S = 5.0


def release_idle_suite_connections() -> None:
    """Close the suites' connections that have been idle a while, before a whole stack starts.

    Their pools open new ones if a suite needs them again (lka_common.db pings on checkout;
    asyncpg's pool replaces a closed connection on acquire)."""
    statement = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ANY($1::text[])"
        f" AND state = 'idle' AND state_change < now() - interval '{IDLE_BEFORE_RELEASE_S} seconds'"
    )

    async def release(admin_url: str, names: list[str]) -> None:
        conn = await asyncpg.connect(plain_url(admin_url), timeout=10)
        try:
            await conn.fetchval(statement, names)
        finally:
            await conn.close()

    for admin_url, names in SUITE_DATABASES.items():
        if names:
            in_thread(partial(asyncio.run, release(admin_url, sorted(names))))
