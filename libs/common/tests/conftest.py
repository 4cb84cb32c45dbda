"""Fixtures of the lka_common tests: a database with the messaging tables and an effect table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from lka_common.migrations import MESSAGING_TABLES_V1, OUTBOX_NOTIFY_TRIGGER_V1
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.servers import Servers

EFFECTS_DDL = "CREATE TABLE effects (id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL, note TEXT)"


@pytest.fixture(scope="session")
def messaging_database(servers: Servers, run_id: str) -> Iterator[str]:
    name = f"lka_test_{run_id}_common"
    yield create_database(servers.postgres_url, name, [*MESSAGING_TABLES_V1, *OUTBOX_NOTIFY_TRIGGER_V1, EFFECTS_DDL])
    drop_database(servers.postgres_url, name)


@pytest.fixture(scope="session")
async def engine(messaging_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(messaging_database, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
