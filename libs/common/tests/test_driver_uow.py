"""The driver's unit of work gives its connections back to SQLAlchemy's pool properly, and
throws away one that failed; `driver_sql` compiles its statements."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, select
from sqlalchemy.ext.asyncio import create_async_engine

from lka_common.testing.databases import plain_url
from lka_common.uow import DriverUnitOfWork, driver_sql


async def test_overflow_connections_are_closed_when_given_back_not_leaked(
    messaging_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the pool's size a connection given back is closed. Closed outside SQLAlchemy's
    greenlet bridge it failed (MissingGreenlet, `make bench`: 495 such errors in one run) and
    its server connection was left open."""
    engine = create_async_engine(messaging_database, pool_size=1, max_overflow=3)

    async def unit() -> int:
        async with DriverUnitOfWork(engine, "/lka/tests", acquire_timeout_s=5) as uow:
            return int(await uow.conn.fetchval("SELECT pg_backend_pid() FROM pg_sleep(0.05)"))

    try:
        with caplog.at_level(logging.ERROR, logger="sqlalchemy.pool"):
            pids = await asyncio.gather(*(unit() for _ in range(4)))
        async with DriverUnitOfWork(engine, "/lka/tests") as uow:
            alive = await uow.conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)", pids)
    finally:
        await engine.dispose()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(set(pids)) == 4
    assert alive == 1  # the one the pool keeps; the three overflow ones are gone


async def test_a_commit_that_fails_raises_its_own_error_and_the_connection_serves_again(
    messaging_database: str,
) -> None:
    """A constraint checked at COMMIT: the caller sees the violation (not asyncpg's refusal to
    roll back a finished transaction, which was a 500), and the connection goes back usable."""
    engine = create_async_engine(messaging_database, pool_size=1, max_overflow=0)
    try:
        async with DriverUnitOfWork(engine, "/lka/tests") as uow:
            await uow.conn.execute(
                "CREATE TABLE IF NOT EXISTS deferred_probe (id INTEGER,"
                " CONSTRAINT deferred_probe_once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"
            )
            await uow.commit()
        with pytest.raises(asyncpg.UniqueViolationError):
            async with DriverUnitOfWork(engine, "/lka/tests") as uow:
                await uow.conn.execute("INSERT INTO deferred_probe (id) VALUES (1), (1)")
                await uow.commit()
        async with DriverUnitOfWork(engine, "/lka/tests") as uow:
            assert await uow.conn.fetchval("SELECT count(*) FROM deferred_probe") == 0
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


async def test_a_connection_that_cannot_roll_back_is_thrown_away_and_the_pool_serves_a_new_one(
    messaging_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The server drops the unit's connection mid-transaction: leaving the unit raises the
    driver's error, the broken connection is invalidated (never given to the next unit), and
    the next unit, on the same pool of one, works on a new server connection."""
    engine = create_async_engine(messaging_database, pool_size=1, max_overflow=0)
    admin = await asyncpg.connect(plain_url(messaging_database))
    try:
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
            async with DriverUnitOfWork(engine, "/lka/tests", acquire_timeout_s=5) as uow:
                dropped = await uow.conn.fetchval("SELECT pg_backend_pid()")
                await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", dropped)
        assert engine.pool.checkedout() == 0
        with caplog.at_level(logging.ERROR, logger="sqlalchemy.pool"):
            async with DriverUnitOfWork(engine, "/lka/tests", acquire_timeout_s=5) as uow:
                assert await uow.conn.fetchval("SELECT pg_backend_pid()") != dropped
    finally:
        await admin.close()
        await engine.dispose()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_driver_sql_takes_its_parameters_in_the_order_the_caller_names_them() -> None:
    """A statement compiled for DriverUnitOfWork's conn: the caller passes values by position,
    so an order other than the one it names is refused when the module compiles it."""
    notes = Table("notes", MetaData(), Column("id", Integer, primary_key=True), Column("note", Text))
    statement = select(notes.c.id).where(notes.c.note == bindparam("note"), notes.c.id > bindparam("after"))
    sql = driver_sql(statement, "note", "after")
    assert "notes.note = $1" in sql
    assert "notes.id > $2" in sql
    with pytest.raises(ValueError, match="takes"):
        driver_sql(statement, "after", "note")
    with pytest.raises(ValueError, match="takes"):
        driver_sql(statement, "note")
