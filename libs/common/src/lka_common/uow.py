"""Unit of work: one transaction, and the events it raises written to the outbox on commit.

It rolls back unless told to commit (cosmicpython), so a handler that raises leaves nothing
half-written, and the events it collected are never published.

`UnitOfWork` speaks SQLAlchemy (a session); `DriverUnitOfWork` the driver itself (an asyncpg
connection from the same pool), for a hot path: on this machine SQLAlchemy's session and
execution layer cost about 270 µs of CPU per statement and 700 µs per transaction more than
asyncpg's prepared statements (docs/performance.md, a subscriber's submission).
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util import greenlet_spawn

from lka_common.db import ACQUIRE_TIMEOUT_KEY
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.messaging.outbox import add_to_outbox, add_to_outbox_driver

Pending = list[tuple[CloudEvent, str, bool]]


def raise_event(pending: Pending, source: str, data: EventData, subject: str) -> CloudEvent:
    event = new_event(data, source, subject)
    pending.append((event, data.exchange, data.sensitive))
    return event


class UnitOfWork:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        source: str,
        side_sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._source = source
        # Separate units draw from a pool of their own: a handler holding a connection
        # while it waits for a second one from the same pool could starve it.
        self._side_sessionmaker = side_sessionmaker or sessionmaker
        self._pending: Pending = []
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessionmaker()
        self._pending = []
        deadline = self.session.info.get(ACQUIRE_TIMEOUT_KEY)
        if deadline:
            # The connection now, within the deadline: pool wait, pre-ping and connect are each
            # bounded, but not their sum, and a pre-ping to a hung server waits the command
            # timeout. A cancelled checkout invalidates that connection (SQLAlchemy's pool).
            try:
                async with asyncio.timeout(deadline):
                    await self.session.connection()
            except BaseException:
                await self.session.close()
                raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    def publish(self, data: EventData, subject: str) -> CloudEvent:
        """Raise an event about `subject` (the account or user concerned); it is written to the
        outbox with the state change, on commit."""
        return raise_event(self._pending, self._source, data, subject)

    def separate(self) -> UnitOfWork:
        """Another unit of work on the same database, for a record that must outlive this
        one's rollback (a failed attempt's log line, say)."""
        return UnitOfWork(self._side_sessionmaker, self._source)

    async def commit(self) -> None:
        await add_to_outbox(self.session, self._pending)
        await self.session.commit()
        self._pending = []


class DriverUnitOfWork:
    """The same contract on asyncpg: `conn` is the transaction's connection, taken from the
    engine's pool within the acquire deadline (so pinged on checkout like any other), given
    back at the end, or thrown away when it failed and may be broken."""

    def __init__(self, engine: AsyncEngine, source: str, acquire_timeout_s: float | None = None) -> None:
        self._engine = engine
        self._source = source
        self._acquire_timeout_s = acquire_timeout_s
        self._pending: Pending = []
        self._pooled: Any = None
        self._transaction: Any = None
        self.conn: asyncpg.Connection

    async def __aenter__(self) -> DriverUnitOfWork:
        self._pending = []
        async with asyncio.timeout(self._acquire_timeout_s):
            self._pooled = await self._engine.raw_connection()
        try:
            self.conn = self._pooled.driver_connection
            self._transaction = self.conn.transaction()
            await self._transaction.start()
        except BaseException:
            await greenlet_spawn(self._pooled.invalidate)
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pooled, transaction = self._pooled, self._transaction
        self._pooled = self._transaction = None
        # The pool's check-in and invalidation may close a connection (an overflow one, say), which
        # SQLAlchemy's asyncpg adapter does through its greenlet bridge, as AsyncEngine does.
        try:
            if transaction is not None:
                await transaction.rollback()
        except BaseException:
            await greenlet_spawn(pooled.invalidate)  # a connection that cannot roll back is given to nobody
            raise
        finally:
            await greenlet_spawn(pooled.close)  # back to the pool (nothing left to do after invalidate)

    def publish(self, data: EventData, subject: str) -> CloudEvent:
        return raise_event(self._pending, self._source, data, subject)

    async def commit(self) -> None:
        await add_to_outbox_driver(self.conn, self._pending)
        # Forgotten before it is sent: a COMMIT that fails has ended the transaction all the same,
        # and asyncpg refuses a rollback after it (InterfaceError, which would hide the cause).
        transaction, self._transaction = self._transaction, None
        await transaction.commit()
        self._pending = []
