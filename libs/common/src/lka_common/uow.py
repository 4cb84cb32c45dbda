"""Unit of work: one transaction, and the events it raises written to the outbox on commit.

It rolls back unless told to commit (cosmicpython), so a handler that raises leaves nothing
half-written, and the events it collected are never published.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lka_common.db import ACQUIRE_TIMEOUT_KEY
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.messaging.outbox import add_to_outbox


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
        self._pending: list[tuple[CloudEvent, str, bool]] = []
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
        event = new_event(data, self._source, subject)
        self._pending.append((event, data.exchange, data.sensitive))
        return event

    def separate(self) -> UnitOfWork:
        """Another unit of work on the same database, for a record that must outlive this
        one's rollback (a failed attempt's log line, say)."""
        return UnitOfWork(self._side_sessionmaker, self._source)

    async def commit(self) -> None:
        await add_to_outbox(self.session, self._pending)
        await self.session.commit()
        self._pending = []
