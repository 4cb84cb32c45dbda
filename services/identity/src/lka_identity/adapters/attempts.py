"""The attempt counters behind the limits: one row per attempt in `attempts`, in the identity
database, so every replica counts the same attempts (docs/quality.md item 6).

Counted by lka_common.attempts; each kind is a counter of its own in the one table (its `kind`
column), and these name the kind as identity's use cases do.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lka_common import attempts as counting
from lka_common.attempts import AttemptLog
from lka_common.throttling import Limit
from lka_identity.adapters.tables import attempts
from lka_identity.domain.throttling import AttemptKind

# Rows older than a day are swept by a few records in a hundred; no window is longer.
LOGS = {kind: AttemptLog(kind.value, attempts, key=("key",), scope=(("kind", kind.value),)) for kind in AttemptKind}


async def lock(session: AsyncSession, kind: AttemptKind, key: str) -> None:
    await counting.lock(session, LOGS[kind], key)


async def limit_th_newest(
    session: AsyncSession, kind: AttemptKind, key: str, limit: Limit, now: datetime
) -> datetime | None:
    return await counting.limit_th_newest(session, LOGS[kind], key, limit, now)


async def record(session: AsyncSession, kind: AttemptKind, keys: list[str], now: datetime) -> list[int]:
    return await counting.record(session, LOGS[kind], keys, now)


async def forget(session: AsyncSession, ids: list[int]) -> None:
    """Take back attempts that proved right (a correct password is not a failure). The ids are
    the table's, whatever their kind."""
    await counting.forget(session, LOGS[AttemptKind.LOGIN], ids)


async def clear(session: AsyncSession, kind: AttemptKind, key: str) -> None:
    await counting.clear(session, LOGS[kind], key)
