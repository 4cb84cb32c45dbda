"""The failed-link-attempt limits of docs/contract.md §2: per user and per account, each a setting.

Both are checked before the proof is looked at. Past the user's limit the attempt is refused
(429): a guesser learns nothing from their 11th try. Past the account's limit it is not
refused, since a refusal there would let anyone freeze an account's linking for its owner by
failing ten times an hour; instead its proof is not looked at and it becomes a request for an
operator (202), so guessing teaches nothing and the owner still reaches a person. Every
attempt that links nothing counts, on both counters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters import metrics
from lka_accounts.adapters.attempts import LINK_ATTEMPTS
from lka_accounts.domain.errors import TooManyAttempts
from lka_accounts.domain.throttling import account_key, user_key
from lka_accounts.settings import AccountsSettings
from lka_common import attempts
from lka_common.throttling import Limit


@dataclass(frozen=True)
class Counter:
    key: str
    limit: Limit


@dataclass(frozen=True)
class Counters:
    """The two counters one attempt is checked against and recorded on."""

    user: Counter
    account: Counter

    @property
    def keys(self) -> list[str]:
        return [self.user.key, self.account.key]


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

    def for_attempt(self, user_id: UUID, region_code: str, number: str) -> Counters:
        return Counters(
            Counter(user_key(user_id), Limit(self.per_user, self.window)),
            Counter(account_key(region_code, number), Limit(self.per_account, self.window)),
        )


async def admit(session: AsyncSession, counters: Counters, now: datetime) -> bool:
    """Lock both counters for this transaction, so parallel attempts are all counted; refuse
    (429) past the user's limit. False past the account's: the proof must not be looked at."""
    for key in sorted(counters.keys):  # one lock order: no deadlocks
        await attempts.lock(session, LINK_ATTEMPTS, key)
    user = counters.user
    user_wait = await attempts.seconds_to_wait(session, LINK_ATTEMPTS, user.key, user.limit, now)
    if user_wait is not None:
        metrics.LINK_ATTEMPTS.labels("throttled").inc()  # refused before anything is written
        raise TooManyAttempts(user_wait)
    account = counters.account
    return await attempts.limit_th_newest(session, LINK_ATTEMPTS, account.key, account.limit, now) is None


async def record_failure(session: AsyncSession, counters: Counters, now: datetime) -> None:
    """One attempt that linked nothing. Past the account's limit its proof was never compared,
    so it counts whether or not it was right: were the user's counter to count only wrong
    proofs, when it filled up would tell a guesser which of their attempts had been right."""
    await attempts.record(session, LINK_ATTEMPTS, counters.keys, now)
