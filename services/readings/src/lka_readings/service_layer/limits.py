"""The public form's limits (docs/contract.md §2): attempts per client address per hour, and per
account per day in Crimea.

Each is recorded in a transaction of its own, before the submission, so that the submission's
refusal cannot roll the count back: a value refused for breaking a rule counts like a stored one.

The form's meter lookup (`POST /public/readings/meter`, the step before the values) is an attempt
like a submission for the client address: the two share one allowance, so guessing serials
costs the same through either. For the account it is checked, not recorded: it tells nothing
of the readings, which the account's daily allowance guards, and a person's lookup and
submission then spend one of the account's ten, not two.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lka_common import attempts
from lka_common.throttling import Limit, seconds_until
from lka_common.uow import UnitOfWork
from lka_readings.adapters import meters
from lka_readings.adapters.attempts import PER_ACCOUNT, PER_ADDRESS
from lka_readings.domain.errors import TooManyAnonymousReadings, TooManyAnonymousReadingsForAccount
from lka_readings.domain.periods import local_day

WINDOW = timedelta(hours=1)


async def count_anonymous_attempt(uow: UnitOfWork, client_address: str, per_hour: int) -> None:
    """Record one attempt from this address, or refuse it when the hour's allowance is spent.

    Every attempt counts, a wrong serial included, so the form is no oracle for guessing which
    account has which meter."""
    now = datetime.now(UTC)
    async with uow:
        await attempts.lock(uow.session, PER_ADDRESS, client_address)
        wait = await attempts.seconds_to_wait(uow.session, PER_ADDRESS, client_address, Limit(per_hour, WINDOW), now)
        if wait is not None:
            # Refused attempts are not recorded: a client that keeps knocking is let in again
            # an hour after its allowance was spent, not never.
            raise TooManyAnonymousReadings(wait)
        await attempts.record(uow.session, PER_ADDRESS, [client_address], now)
        await uow.commit()


async def count_account_attempt(
    uow: UnitOfWork, region_code: str, number: str, serial: str, per_day: int, *, record: bool = True
) -> None:
    """Record one attempt on this account, or refuse it when today's allowance is spent;
    `record=False` (the meter lookup) refuses alike but records nothing.

    Only an attempt whose account, number and serial all match counts. Counting mismatches
    too would let anyone who knows nothing but an account's number spend its day's allowance
    and shut its owner out of the form; not counting them leaves guessing serials to the
    per-address limit, and a stranger who already knows the serial learns nothing more from
    a 404 than from a 201. A mismatch goes on to the submission, which answers it 404."""
    now = datetime.now(UTC)
    async with uow:
        account = (region_code, number)
        if record:
            await attempts.lock(uow.session, PER_ACCOUNT, account)
        if not await meters.matches(uow.session, region_code, number, serial):
            return
        today, tomorrow = local_day(now)
        if await attempts.nth_newest(uow.session, PER_ACCOUNT, account, per_day, today) is not None:
            # As per address, refused attempts are not recorded; the allowance comes back at
            # midnight in Crimea (a calendar day, not a sliding one).
            raise TooManyAnonymousReadingsForAccount(seconds_until(tomorrow, now))
        if record:
            await attempts.record(uow.session, PER_ACCOUNT, [account], now)
            await uow.commit()
