"""The limits of docs/contract.md §2 and docs/quality.md item 6 applied to one call: check, record, forget.

Every sign-in attempt is recorded before its password is checked and taken back only when the
password proves right, so a flood of parallel guesses is counted in full, not after the fact.
The sign-in counters are separate from the recovery ones: locking an account out of sign-in
never blocks its password reset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lka_common import attempts
from lka_common.attempts import AttemptLog
from lka_common.throttling import Limit, wait_seconds
from lka_identity.adapters.attempts import ATTEMPT_LOGS
from lka_identity.domain.errors import TooManyAttempts
from lka_identity.domain.throttling import AttemptKind, account_key, client_key
from lka_identity.settings import IdentitySettings

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Counter:
    kind: AttemptKind
    key: str
    limit: Limit
    per_client: bool

    @property
    def log(self) -> AttemptLog:
        return ATTEMPT_LOGS[self.kind]


def login_counters(settings: IdentitySettings, email: str, client: str | None) -> list[Counter]:
    window = timedelta(seconds=settings.login_failure_window_s)
    counters = [
        Counter(AttemptKind.LOGIN, account_key(email), Limit(settings.login_failures_per_account, window), False)
    ]
    if client is not None:
        limit = Limit(settings.login_failures_per_client, window)
        counters.append(Counter(AttemptKind.LOGIN, client_key(client), limit, True))
    return counters


def mail_counters(settings: IdentitySettings, client: str | None) -> list[Counter]:
    if client is None:
        return []
    return [
        Counter(AttemptKind.MAIL, client_key(client), Limit(settings.mail_requests_per_client_per_hour, HOUR), True)
    ]


def token_counters(settings: IdentitySettings, client: str | None) -> list[Counter]:
    if client is None:
        return []
    limit = Limit(settings.token_failures_per_client_per_hour, HOUR)
    return [Counter(AttemptKind.TOKEN, client_key(client), limit, True)]


async def check(session: AsyncSession, counters: list[Counter], now: datetime) -> None:
    for counter in counters:
        newest = await attempts.limit_th_newest(session, counter.log, counter.key, counter.limit, now)
        wait = wait_seconds(counter.limit, newest, now)
        if wait is not None:
            raise TooManyAttempts(wait, per_client=counter.per_client)


async def _lock(session: AsyncSession, counters: list[Counter]) -> None:
    for counter in sorted(counters, key=lambda c: (c.kind, c.key)):  # one lock order: no deadlocks
        await attempts.lock(session, counter.log, counter.key)


async def admit(session: AsyncSession, counters: list[Counter], now: datetime) -> list[int]:
    """Check every counter and record this attempt on each; returns the rows, to forget later."""
    await _lock(session, counters)
    await check(session, counters, now)
    ids: list[int] = []
    for counter in counters:
        ids += await attempts.record(session, counter.log, [counter.key], now)
    return ids


async def take_back(session: AsyncSession, counters: list[Counter], pending: list[int]) -> None:
    """A right password is not a failure: forget the attempt `admit` recorded.

    Under the counters' locks, in admit's order, as every change to a counter's rows: without
    them two sign-ins to one account, each having deleted its own row and then clearing the
    rest, can wait for each other (PostgreSQL's "deadlock detected").
    """
    await _lock(session, counters)
    # Rows are forgotten by id, whatever their kind: any kind's log names the one table.
    await attempts.forget(session, ATTEMPT_LOGS[AttemptKind.LOGIN], pending)


async def proved_right(session: AsyncSession, counters: list[Counter], pending: list[int]) -> None:
    """A successful sign-in: take the attempt back and clear the account's earlier failures."""
    await take_back(session, counters, pending)
    for counter in counters:
        if not counter.per_client:
            await attempts.clear(session, counter.log, counter.key)


async def record(session: AsyncSession, counters: list[Counter], now: datetime) -> None:
    for counter in counters:
        await attempts.record(session, counter.log, [counter.key], now)


async def letter_allowed(session: AsyncSession, settings: IdentitySettings, email: str, now: datetime) -> bool:
    """Whether one more unrequested letter may go to this address this hour (and count it).

    Past the cap the call answers as usual and the letter is simply not sent: a 429 here would
    tell who is registered, and would let a stranger lock the owner out of recovery.
    """
    key = account_key(email)
    limit = Limit(settings.letters_per_address_per_hour, HOUR)
    letters = ATTEMPT_LOGS[AttemptKind.LETTER]
    await attempts.lock(session, letters, key)
    if await attempts.seconds_to_wait(session, letters, key, limit, now):
        return False
    await attempts.record(session, letters, [key], now)
    return True
