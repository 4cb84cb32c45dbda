"""Fixtures of the lka_common tests: a database with the messaging tables and an effect table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Literal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from lka_common.migrations import MESSAGING_TABLES_V1, OUTBOX_NOTIFY_TRIGGER_V1
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.servers import Servers

OUTBOX_COLUMNS = "id, message_id::text, exchange, routing_key, body, headers, sensitive, published_at"
# What to take rows out of the outbox by, and the array type of its values.
OUTBOX_KEYS = {"id": "bigint[]", "message_id": "uuid[]"}

TakeFromOutbox = Callable[[Literal["id", "message_id"], list[Any]], Awaitable[list[dict[str, Any]]]]

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


@pytest.fixture
def take_from_outbox(engine: AsyncEngine) -> TakeFromOutbox:
    """The outbox rows whose `id` or `message_id` is one of the values, in the outbox's order;
    taken out of it, so the relay tests sharing this database find only their own rows unpublished."""

    async def take(key: Literal["id", "message_id"], values: list[Any]) -> list[dict[str, Any]]:
        async with engine.begin() as conn:
            rows = await conn.exec_driver_sql(
                f"DELETE FROM outbox WHERE {key} = ANY($1::{OUTBOX_KEYS[key]}) RETURNING {OUTBOX_COLUMNS}", (values,)
            )
            return sorted((dict(row._mapping) for row in rows), key=lambda row: row["id"])

    return take
