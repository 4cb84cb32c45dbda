"""The driver's unit of work gives its connections back to SQLAlchemy's pool properly."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from lka_common.uow import DriverUnitOfWork


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
