"""Unit of work: one transaction, and the events it raises written to the outbox on commit.

It rolls back unless told to commit (cosmicpython), so a handler that raises leaves nothing
half-written, and the events it collected are never published.

`UnitOfWorkProtocol` is that contract, what a use case or a handler needing nothing more is
written against. Two units keep it, sharing the events' bookkeeping (`_OutboxUnit`):
`UnitOfWork` speaks SQLAlchemy (a session); `DriverUnitOfWork` the driver itself (an asyncpg
connection from the same pool), for the hot paths where SQLAlchemy's session and execution
layer were most of the CPU (docs/performance.md: readings' submissions and read side).
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Any, Protocol, Self

import asyncpg
from sqlalchemy import ClauseElement, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler

from lka_common.db import ACQUIRE_TIMEOUT_KEY
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.messaging.outbox import add_to_outbox, add_to_outbox_driver

Pending = list[tuple[CloudEvent, str, bool]]


class UnitOfWorkProtocol(Protocol):
    """One transaction: `async with uow:` opens it, and leaving the block rolls back whatever
    was not committed (an exception included) and gives the connection back."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def publish(self, data: EventData, subject: str) -> CloudEvent:
        """Raise an event about `subject` (the account or user concerned); it is written to the
        outbox with the state change, on commit, and never when the unit rolls back."""
        ...

    async def commit(self) -> None:
        """Write the raised events to the outbox and commit them with the state change."""
        ...


class _OutboxUnit(ABC):
    """What both units share: the events raised since the unit opened, and `commit` writing them
    to the outbox in the unit's own transaction before committing it."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._pending: Pending = []

    def _open(self) -> None:
        self._pending = []

    def publish(self, data: EventData, subject: str) -> CloudEvent:
        event = new_event(data, self._source, subject)
        self._pending.append((event, data.exchange, data.sensitive))
        return event

    async def commit(self) -> None:
        await self._add_to_outbox(self._pending)
        await self._commit()
        self._pending = []

    @abstractmethod
    async def _add_to_outbox(self, events: Pending) -> None: ...

    @abstractmethod
    async def _commit(self) -> None: ...


class UnitOfWork(_OutboxUnit):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        source: str,
        side_sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        super().__init__(source)
        self._sessionmaker = sessionmaker
        # Separate units draw from a pool of their own: a handler holding a connection
        # while it waits for a second one from the same pool could starve it.
        self._side_sessionmaker = side_sessionmaker or sessionmaker
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        self.session = self._sessionmaker()
        self._open()
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

    def separate(self) -> UnitOfWork:
        """Another unit of work on the same database, for a record that must outlive this
        one's rollback (a failed attempt's log line, say)."""
        return UnitOfWork(self._side_sessionmaker, self._source)

    async def _add_to_outbox(self, events: Pending) -> None:
        await add_to_outbox(self.session, events)

    async def _commit(self) -> None:
        await self.session.commit()


class DriverUnitOfWork(_OutboxUnit):
    """The same contract on asyncpg: `conn` is the transaction's connection, taken from the
    engine's pool within the acquire deadline (so pinged on checkout like any other), given
    back at the end, or thrown away when it failed and may be broken.

    The connection is SQLAlchemy's (`AsyncEngine.connect()`, its driver connection from
    `get_raw_connection()`), so the pool's check-in, invalidation and close, which may close an
    overflow connection through SQLAlchemy's greenlet bridge, run as for any AsyncConnection;
    the transaction is asyncpg's own, which SQLAlchemy neither sees nor resets."""

    def __init__(self, engine: AsyncEngine, source: str, acquire_timeout_s: float | None = None) -> None:
        super().__init__(source)
        self._engine = engine
        self._acquire_timeout_s = acquire_timeout_s
        self._connection: AsyncConnection | None = None
        self._transaction: Any = None
        self.conn: asyncpg.Connection

    async def __aenter__(self) -> Self:
        self._open()
        connection = self._engine.connect()
        # A checkout cancelled by the deadline is undone by the pool (that connection invalidated).
        async with asyncio.timeout(self._acquire_timeout_s):
            await connection.start()
        try:
            self.conn = (await connection.get_raw_connection()).driver_connection
            self._transaction = self.conn.transaction()
            await self._transaction.start()
        except BaseException:
            try:
                await connection.invalidate()
            finally:
                await connection.close()
            raise
        self._connection = connection
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        connection, transaction = self._connection, self._transaction
        self._connection = self._transaction = None
        assert connection is not None, "DriverUnitOfWork left without being entered"
        try:
            if transaction is not None:
                await transaction.rollback()
        except BaseException:
            await connection.invalidate()  # a connection that cannot roll back is given to nobody
            raise
        finally:
            await connection.close()  # back to the pool (nothing left to do after invalidate)

    async def _add_to_outbox(self, events: Pending) -> None:
        await add_to_outbox_driver(self.conn, events)

    async def _commit(self) -> None:
        # Forgotten before it is sent: a COMMIT that fails has ended the transaction all the same,
        # and asyncpg refuses a rollback after it (InterfaceError, which would hide the cause).
        transaction, self._transaction = self._transaction, None
        await transaction.commit()


_ASYNCPG = make_url("postgresql+asyncpg://").get_dialect()()


def driver_sql(statement: ClauseElement, *parameters: str) -> str:
    """A SQLAlchemy Core statement as SQL for a DriverUnitOfWork's `conn`, compiled once (at
    import) so the tables' names come from their Core definitions at no cost per call.

    `parameters` names its bound parameters in the order the caller passes them ($1, $2…):
    a statement that would take them in another order, or take others, is refused here."""
    compiled = statement.compile(dialect=_ASYNCPG)
    assert isinstance(compiled, SQLCompiler)
    taken = tuple(compiled.positiontup or ())
    if taken != parameters or "POSTCOMPILE" in compiled.string:
        raise ValueError(f"the statement takes {taken}, not {parameters}:\n{compiled.string}")
    return compiled.string
