"""Failed link attempts: one row per failure and key in `link_attempts`, in the accounts database,
so every API replica counts the same ones (docs/quality.md item 6); counted by lka_common.attempts.

The rows are kept for 30 days, far longer than the hour the limits count: an operator's card
shows an account's failed attempts of that time (`failed_on`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import link_attempts
from lka_accounts.domain.model import FailedAttempts
from lka_accounts.domain.throttling import ATTEMPTS_KEPT as KEEP
from lka_common.attempts import AttemptLog

LINK_ATTEMPTS = AttemptLog("link", link_attempts, key=("key",), keep=KEEP)
# How many of the newest failures' times a card lists (the count covers all of them).
TIMES_SHOWN = 5


async def failed_on(session: AsyncSession, keys: Sequence[str], now: datetime) -> dict[str, FailedAttempts]:
    """For each key, its failures within `KEEP` of `now`: how many, and the newest times."""
    if not keys:
        return {}
    newest = func.row_number().over(partition_by=link_attempts.c.key, order_by=link_attempts.c.created_at.desc())
    ranked = (
        select(
            link_attempts.c.key,
            link_attempts.c.created_at,
            newest.label("rank"),
            func.count().over(partition_by=link_attempts.c.key).label("total"),
        )
        .where(link_attempts.c.key.in_(list(keys)), link_attempts.c.created_at >= now - KEEP)
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.key, ranked.c.created_at, ranked.c.total)
        .where(ranked.c.rank <= TIMES_SHOWN)
        .order_by(ranked.c.key, ranked.c.rank)
    )
    totals: dict[str, int] = {}
    times: dict[str, list[datetime]] = {}
    for row in rows:
        totals[row.key] = int(row.total)
        times.setdefault(row.key, []).append(row.created_at)
    return {key: FailedAttempts(totals.get(key, 0), tuple(times.get(key, ()))) for key in keys}
