"""Counting attempts in a sliding window, the SQL: the rows behind every limit of the portal.

Each service keeps its attempts in a table of its own database (one row per attempt, so every
replica counts the same ones) and describes it with an `AttemptLog`: which columns say whose
attempt a row is (the key), which holds its time, and, where several counters share a table,
the column values that pick this counter's rows (identity's `kind`). A check and the record
that follows it are serialised per key by a transaction-level advisory lock, so parallel
attempts cannot all slip under the limit together. The arithmetic is lka_common.throttling's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.throttling import Limit, wait_seconds

# A few records in a hundred sweep the log's rows older than it keeps: no job to schedule, and
# no single sweep holds locks for long.
PRUNE_PROBABILITY = 0.01

Key = str | tuple[str, ...]


@dataclass(frozen=True)
class AttemptLog:
    """Where one counter's attempts are: `table`, one row per attempt, with an `id` column."""

    # Names the counter in its advisory lock ("<name>:<key>"), apart from other counters' keys.
    name: str
    table: Table
    # The columns that say whose attempt a row is, in the order a key's parts are given.
    key: tuple[str, ...]
    time: str = "created_at"
    # Column values that pick this counter's rows in a table several counters share.
    scope: tuple[tuple[str, str], ...] = ()
    # Rows older than this are swept now and then (longer than any window counted in them);
    # None where the rows are more than counters (notifications' feedback), never swept here.
    keep: timedelta | None = timedelta(days=1)

    def parts(self, key: Key) -> tuple[str, ...]:
        parts = (key,) if isinstance(key, str) else key
        if len(parts) != len(self.key):
            raise ValueError(f"{self.name}: a key of {len(self.key)} parts, not {parts!r}")
        return parts

    def rows_of(self, key: Key) -> list[ColumnElement[bool]]:
        columns = self.table.c
        scope = [columns[name] == value for name, value in self.scope]
        return scope + [columns[name] == part for name, part in zip(self.key, self.parts(key), strict=True)]


async def lock(session: AsyncSession, log: AttemptLog, key: Key) -> None:
    """Serialise check-and-record for one key until the transaction ends. Lock several keys in
    one sorted order, or two transactions may wait for each other."""
    name = f"{log.name}:{'/'.join(log.parts(key))}"
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


async def nth_newest(session: AsyncSession, log: AttemptLog, key: Key, n: int, since: datetime) -> datetime | None:
    """The n-th newest attempt of the key at or after `since`, if there are that many."""
    moment = log.table.c[log.time]
    query = select(moment).where(*log.rows_of(key), moment >= since).order_by(moment.desc()).offset(n - 1).limit(1)
    found: datetime | None = (await session.execute(query)).scalar()
    return found


async def limit_th_newest(
    session: AsyncSession, log: AttemptLog, key: Key, limit: Limit, now: datetime
) -> datetime | None:
    """The `limit.count`-th newest attempt inside the window, if there are that many."""
    return await nth_newest(session, log, key, limit.count, now - limit.window)


async def seconds_to_wait(session: AsyncSession, log: AttemptLog, key: Key, limit: Limit, now: datetime) -> int | None:
    """How long the key must wait before another attempt, or None while under the limit."""
    return wait_seconds(limit, await limit_th_newest(session, log, key, limit, now), now)


async def record(session: AsyncSession, log: AttemptLog, keys: Sequence[Key], now: datetime) -> list[int]:
    """One attempt on each key; the rows' ids, for `forget`."""
    if log.keep is not None and random.random() < PRUNE_PROBABILITY:
        await _prune(session, log, now - log.keep)
    if not keys:
        return []
    columns = log.table.c
    rows = [{**dict(log.scope), **dict(zip(log.key, log.parts(key), strict=True)), log.time: now} for key in keys]
    result = await session.execute(insert(log.table).returning(columns.id), rows)
    return [row.id for row in result]


async def forget(session: AsyncSession, log: AttemptLog, ids: list[int]) -> None:
    """Take back attempts that proved right (a correct password is not a failure)."""
    if ids:
        await session.execute(delete(log.table).where(log.table.c.id.in_(ids)))


async def clear(session: AsyncSession, log: AttemptLog, key: Key) -> None:
    """Forget every attempt of the key (a success that ends a lockout)."""
    await session.execute(delete(log.table).where(*log.rows_of(key)))


async def _prune(session: AsyncSession, log: AttemptLog, before: datetime) -> None:
    columns = log.table.c
    scope = [columns[name] == value for name, value in log.scope]
    # Rows another transaction holds are left for a later sweep rather than waited for.
    stale = (
        select(columns.id).where(*scope, columns[log.time] < before).with_for_update(skip_locked=True).scalar_subquery()
    )
    await session.execute(delete(log.table).where(columns.id.in_(stale)))
