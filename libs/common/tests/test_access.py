"""The access projection (lka_common.access) on a real table: the newest event of a pair wins
whatever the order events arrive in, an unlink that overtakes its link included; the columns a
service keeps beside the pair; and a merge that moves only what the source has now."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import TIMESTAMP, Boolean, Column, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from lka_common.access import AccessProjection
from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import ProfilesMerged
from lka_common.testing.databases import create_database, drop_database
from lka_common.testing.servers import Servers

metadata = MetaData()
# The shape every consumer has (readings' account_links, notifications' account_subscribers),
# and one with the account's region and number beside it (payments' account_access).
plain = Table(
    "plain_links",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("linked", Boolean, nullable=False),
    Column("changed_at", TIMESTAMP(timezone=True), nullable=False),
)
detailed = Table(
    "detailed_links",
    metadata,
    Column("account_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("linked", Boolean, nullable=False),
    Column("changed_at", TIMESTAMP(timezone=True), nullable=False),
)
DDL = [
    "CREATE TABLE plain_links (account_id UUID, user_id UUID, linked BOOLEAN NOT NULL,"
    " changed_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (account_id, user_id))",
    "CREATE TABLE detailed_links (account_id UUID, user_id UUID, region_code TEXT NOT NULL,"
    " account_number TEXT NOT NULL, linked BOOLEAN NOT NULL, changed_at TIMESTAMPTZ NOT NULL,"
    " PRIMARY KEY (account_id, user_id))",
]

PLAIN = AccessProjection(plain)
DETAILED = AccessProjection(detailed, details=("region_code", "account_number"))
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def database(servers: Servers, run_id: str) -> Iterator[str]:
    name = f"lka_test_{run_id}_common_access"
    yield create_database(servers.postgres_url, name, DDL)
    drop_database(servers.postgres_url, name)


@pytest.fixture(scope="module")
async def sessions(database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(database, pool_size=2)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


def at(seconds: int) -> CloudEvent:
    return CloudEvent(id=uuid.uuid4().hex, source="/lka/accounts", type="-", time=T0 + timedelta(seconds=seconds))


def pair(user_id: uuid.UUID, account_id: uuid.UUID, number: str = "1234567") -> dict[str, object]:
    return {"user_id": user_id, "account_id": account_id, "region_code": "simferopol", "account_number": number}


def link(user_id: uuid.UUID, account_id: uuid.UUID, number: str = "1234567") -> AccountLinked:
    return AccountLinked.model_validate({**pair(user_id, account_id, number), "linked_via": "surname"})


def unlink(user_id: uuid.UUID, account_id: uuid.UUID, number: str = "1234567") -> AccountUnlinked:
    return AccountUnlinked.model_validate(pair(user_id, account_id, number))


async def linked(
    sessions: async_sessionmaker[AsyncSession], projection: AccessProjection, user_id: uuid.UUID, account_id: uuid.UUID
) -> bool:
    async with sessions() as session:
        return await projection.linked_row(session, account_id, user_id) is not None


@pytest.mark.parametrize("projection", [PLAIN, DETAILED], ids=["plain", "detailed"])
async def test_an_unlink_that_overtakes_its_link_leaves_the_access_removed(
    sessions: async_sessionmaker[AsyncSession], projection: AccessProjection
) -> None:
    user_id, account_id = uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        assert await projection.account_unlinked(session, unlink(user_id, account_id), at(2))
        assert not await projection.account_linked(session, link(user_id, account_id), at(1))

    assert not await linked(sessions, projection, user_id, account_id)
    async with sessions() as session:
        assert await projection.users_of(session, account_id) == []


@pytest.mark.parametrize("projection", [PLAIN, DETAILED], ids=["plain", "detailed"])
async def test_in_order_link_unlink_and_link_again_each_change_the_access(
    sessions: async_sessionmaker[AsyncSession], projection: AccessProjection
) -> None:
    user_id, account_id = uuid.uuid4(), uuid.uuid4()
    steps = [(projection.account_linked, link, True), (projection.account_unlinked, unlink, False)]
    for second, (apply, data, expected) in enumerate([*steps, steps[0]], start=1):
        async with sessions() as session, session.begin():
            assert await apply(session, data(user_id, account_id), at(second))
        assert await linked(sessions, projection, user_id, account_id) is expected


async def test_a_repeated_or_older_event_changes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    user_id, account_id = uuid.uuid4(), uuid.uuid4()
    first = at(5)
    async with sessions() as session, session.begin():
        assert await PLAIN.account_linked(session, link(user_id, account_id), first)
        assert not await PLAIN.account_linked(session, link(user_id, account_id), first)  # the same time: a repeat
        assert not await PLAIN.account_unlinked(session, unlink(user_id, account_id), at(4))
    assert await linked(sessions, PLAIN, user_id, account_id)


async def test_an_event_without_a_time_is_ordered_by_its_arrival(sessions: async_sessionmaker[AsyncSession]) -> None:
    user_id, account_id = uuid.uuid4(), uuid.uuid4()
    untimed = CloudEvent(id="-", source="/lka/accounts", type="-")
    async with sessions() as session, session.begin():
        assert await PLAIN.account_linked(session, link(user_id, account_id), at(0))
        assert await PLAIN.account_unlinked(session, unlink(user_id, account_id), untimed)  # now: later than T0
    assert not await linked(sessions, PLAIN, user_id, account_id)


async def test_the_columns_kept_beside_the_pair_follow_the_newest_event(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    user_id, account_id = uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        await DETAILED.account_linked(session, link(user_id, account_id, "111"), at(1))
        await DETAILED.account_linked(session, link(user_id, account_id, "000"), at(0))  # older: ignored
    async with sessions() as session:
        row = await DETAILED.linked_row(session, account_id, user_id)
    assert row is not None
    assert (row["region_code"], row["account_number"]) == ("simferopol", "111")


async def test_a_merge_gives_the_target_what_the_source_has_now_and_nothing_newer_is_undone(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    source, target = uuid.uuid4(), uuid.uuid4()
    kept, gone, target_left = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        await DETAILED.account_linked(session, link(source, kept, "1"), at(1))
        await DETAILED.account_linked(session, link(source, gone, "2"), at(1))
        await DETAILED.account_unlinked(session, unlink(source, gone, "2"), at(2))
        await DETAILED.account_linked(session, link(source, target_left, "3"), at(1))
        await DETAILED.account_unlinked(session, unlink(target, target_left, "3"), at(20))  # after the merge
        merged = ProfilesMerged(target_user_id=target, source_user_id=source, merged_at=T0 + timedelta(seconds=10))
        await DETAILED.profiles_merged(session, merged, at(10))

    assert await linked(sessions, DETAILED, target, kept)
    async with sessions() as session:
        row = await DETAILED.linked_row(session, kept, target)
        assert row is not None and row["account_number"] == "1"
        assert await DETAILED.users_of(session, kept) == [target]
    assert not await linked(sessions, DETAILED, target, gone)  # the source had lost it already
    assert not await linked(sessions, DETAILED, target, target_left)  # the target's own later unlink stands
    for account_id in (kept, gone, target_left):
        assert not await linked(sessions, DETAILED, source, account_id)
