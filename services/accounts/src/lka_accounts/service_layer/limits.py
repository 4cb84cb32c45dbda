"""The failed-link-attempt limits of CONTRACT §2: per user and per account, each a setting.

Checked before the proof is looked at, so past the limit even a right answer is refused: a
guesser learns nothing from the 11th try. Only failures are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters import attempts
from lka_accounts.domain.errors import TooManyAttempts
from lka_accounts.domain.throttling import Limit, account_key, user_key, wait_seconds
from lka_accounts.settings import AccountsSettings


@dataclass(frozen=True)
class LinkLimits:
    per_user: int
    per_account: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: AccountsSettings) -> LinkLimits:
        return cls(
            settings.link_failures_per_user,
            settings.link_failures_per_account,
            timedelta(seconds=settings.link_failure_window_s),
        )

    def for_attempt(self, user_id: UUID, region_code: str, number: str) -> list[Limit]:
        return [
            Limit(user_key(user_id), self.per_user, self.window),
            Limit(account_key(region_code, number), self.per_account, self.window),
        ]


async def guard(session: AsyncSession, limits: list[Limit], now: datetime) -> None:
    """Lock the counters for this transaction and refuse when any of them is full."""
    for limit in sorted(limits, key=lambda item: item.key):  # one lock order: no deadlocks
        await attempts.lock(session, limit.key)
    waits = [wait_seconds(limit, await attempts.limit_th_newest(session, limit, now), now) for limit in limits]
    longest = max((wait for wait in waits if wait is not None), default=None)
    if longest is not None:
        raise TooManyAttempts(longest)


async def record_failure(session: AsyncSession, limits: list[Limit], now: datetime) -> None:
    await attempts.record(session, [limit.key for limit in limits], now)
