"""The attempt counters' SQL (lka_common.attempts) on real tables of the three shapes the
services have: one key column, a key of two columns, and counters sharing a table by a `kind`;
parallel attempts all counted under the lock; taking attempts back; sweeping old rows."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import TIMESTAMP, BigInteger, Column, MetaData, Table, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from lka_common import attempts
from lka_common.attempts import AttemptLog
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.servers import Servers
from lka_common.throttling import Limit

metadata = MetaData()
TS = TIMESTAMP(timezone=True)
keyed = Table(
    "keyed", metadata, Column("id", BigInteger, primary_key=True), Column("key", Text), Column("created_at", TS)
)
paired = Table(
    "paired",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("region_code", Text),
    Column("account_number", Text),
    Column("created_at", TS),
)
shared = Table(
    "shared",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text),
    Column("key", Text),
    Column("created_at", TS),
)
DDL = [
    "CREATE TABLE keyed (id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)",
    "CREATE TABLE paired (id BIGSERIAL PRIMARY KEY, region_code TEXT NOT NULL, account_number TEXT NOT NULL,"
    " created_at TIMESTAMPTZ NOT NULL)",
    "CREATE TABLE shared (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL,"
    " created_at TIMESTAMPTZ NOT NULL)",
]

KEYED = AttemptLog("keyed", keyed, key=("key",))
PAIRED = AttemptLog("paired", paired, key=("region_code", "account_number"), keep=timedelta(days=2))
LOGIN = AttemptLog("login", shared, key=("key",), scope=(("kind", "login"),))
MAIL = AttemptLog("mail", shared, key=("key",), scope=(("kind", "mail"),))
NEVER_SWEPT = AttemptLog("keyed", keyed, key=("key",), keep=None)

NOW = datetime.now(UTC)
HOUR = Limit(3, timedelta(hours=1))


@pytest.fixture(scope="module")
def database(servers: Servers, run_id: str) -> Iterator[str]:
    name = f"lka_test_{run_id}_common_attempts"
    yield create_database(servers.postgres_url, name, DDL)
    drop_database(servers.postgres_url, name)


@pytest.fixture(scope="module")
async def sessions(database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(database, pool_size=12)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


def fresh() -> str:
    return uuid.uuid4().hex


async def test_under_the_limit_no_wait_and_at_it_until_the_limit_th_newest_leaves_the_hour(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = fresh()
    async with sessions() as session, session.begin():
        for minutes in (90, 50, 40):  # the first is outside the hour
            await attempts.record(session, KEYED, [key], NOW - timedelta(minutes=minutes))
        assert await attempts.seconds_to_wait(session, KEYED, key, HOUR, NOW) is None
        await attempts.record(session, KEYED, [key], NOW - timedelta(minutes=10))
        assert await attempts.limit_th_newest(session, KEYED, key, HOUR, NOW) == NOW - timedelta(minutes=50)
        assert await attempts.seconds_to_wait(session, KEYED, key, HOUR, NOW) == 600
        assert await attempts.seconds_to_wait(session, KEYED, fresh(), HOUR, NOW) is None  # another key


async def test_a_key_of_two_columns_and_since_a_fixed_moment(sessions: async_sessionmaker[AsyncSession]) -> None:
    account, other = ("simferopol", fresh()), ("yalta", fresh())
    midnight = NOW - timedelta(hours=5)
    async with sessions() as session, session.begin():
        await attempts.record(session, PAIRED, [account, account, other], midnight)  # at midnight: today's
        await attempts.record(session, PAIRED, [account], midnight - timedelta(microseconds=1))  # yesterday's
        assert await attempts.nth_newest(session, PAIRED, account, 2, midnight) == midnight
        assert await attempts.nth_newest(session, PAIRED, account, 3, midnight) is None
        assert await attempts.nth_newest(session, PAIRED, other, 2, midnight) is None
    with pytest.raises(ValueError, match="2 parts"):
        PAIRED.parts("simferopol")


async def test_counters_sharing_a_table_count_only_their_own_rows(sessions: async_sessionmaker[AsyncSession]) -> None:
    key = fresh()
    async with sessions() as session, session.begin():
        await attempts.record(session, MAIL, [key, key, key], NOW)
        assert await attempts.seconds_to_wait(session, MAIL, key, HOUR, NOW) == 3600
        assert await attempts.seconds_to_wait(session, LOGIN, key, HOUR, NOW) is None
        await attempts.clear(session, LOGIN, key)  # clears the login counter, not the mail one
        assert await attempts.seconds_to_wait(session, MAIL, key, HOUR, NOW) == 3600


async def test_attempts_taken_back_or_cleared_no_longer_count(sessions: async_sessionmaker[AsyncSession]) -> None:
    key = fresh()
    async with sessions() as session, session.begin():
        ids = await attempts.record(session, LOGIN, [key, key, key], NOW)
        assert len(set(ids)) == 3
        await attempts.forget(session, LOGIN, ids[:1])
        assert await attempts.seconds_to_wait(session, LOGIN, key, HOUR, NOW) is None
        await attempts.record(session, LOGIN, [key], NOW)
        await attempts.clear(session, LOGIN, key)
        assert await attempts.nth_newest(session, LOGIN, key, 1, NOW - timedelta(days=1)) is None
        assert await attempts.record(session, LOGIN, [], NOW) == []


async def test_parallel_attempts_under_the_lock_are_all_counted(sessions: async_sessionmaker[AsyncSession]) -> None:
    key = fresh()

    async def attempt() -> bool:
        async with sessions() as session, session.begin():
            await attempts.lock(session, KEYED, key)
            if await attempts.seconds_to_wait(session, KEYED, key, HOUR, datetime.now(UTC)) is not None:
                return False
            await asyncio.sleep(0.01)  # room for another transaction to slip in, were it not locked
            await attempts.record(session, KEYED, [key], datetime.now(UTC))
            return True

    admitted = await asyncio.gather(*(attempt() for _ in range(10)))
    assert admitted.count(True) == HOUR.count
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(keyed).where(keyed.c.key == key)) == HOUR.count


async def test_now_and_then_a_record_sweeps_its_own_old_rows(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attempts, "PRUNE_PROBABILITY", 1.0)
    old, recent, key = NOW - timedelta(days=3), NOW - timedelta(hours=30), fresh()
    async with sessions() as session, session.begin():
        await attempts.record(session, MAIL, [key], old)
        await attempts.record(session, LOGIN, [key], old)
        await attempts.record(session, NEVER_SWEPT, [key], old)
        await attempts.record(session, LOGIN, [key], NOW)  # sweeps login's rows older than a day
        await attempts.record(session, NEVER_SWEPT, [key], NOW)
        await attempts.record(session, PAIRED, [(key, key)], old)
        await attempts.record(session, PAIRED, [(key, key)], recent)
        await attempts.record(session, PAIRED, [(key, key)], NOW)  # keeps two days

        since = NOW - timedelta(days=10)
        assert await attempts.nth_newest(session, LOGIN, key, 2, since) is None
        assert await attempts.nth_newest(session, MAIL, key, 1, since) == old
        assert await attempts.nth_newest(session, NEVER_SWEPT, key, 2, since) == old
        assert await attempts.nth_newest(session, PAIRED, (key, key), 2, since) == recent
        assert await attempts.nth_newest(session, PAIRED, (key, key), 3, since) is None
