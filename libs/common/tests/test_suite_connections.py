"""Before a whole stack starts, the test suites' idle connections go back to PostgreSQL
(lka_common.testing.databases.release_idle_suite_connections), and only those."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from lka_common.testing import databases
from lka_common.testing.databases import plain_url
from lka_common.testing.servers import Servers


async def test_idle_connections_of_the_suites_databases_are_closed_busy_ones_kept(
    servers: Servers, migrated_database: Callable[[str], str], messaging_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(databases, "IDLE_BEFORE_RELEASE_S", 0.0)
    url = migrated_database("notifications")
    suite = plain_url(url)
    # Only this test's database: the other suites' pools are none of its business.
    monkeypatch.setattr(databases, "SUITE_DATABASES", {servers.postgres_url: {make_url(url).database}})
    idle = await asyncpg.connect(suite)
    busy = await asyncpg.connect(suite)
    other = await asyncpg.connect(plain_url(messaging_database))  # not made by `migrated_database`
    transaction = busy.transaction()
    await transaction.start()
    await busy.execute("SELECT 1")
    try:
        databases.release_idle_suite_connections()

        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
            await idle.fetchval("SELECT 1")
        assert await busy.fetchval("SELECT 1") == 1
        assert await other.fetchval("SELECT 1") == 1
    finally:
        await transaction.rollback()
        for conn in (idle, busy, other):
            await conn.close()
