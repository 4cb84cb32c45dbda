"""The public form's limit (CONTRACT §2): submissions per client address per hour.

Every attempt counts, a wrong serial included, so the form is no oracle for guessing which
account has which meter; it is recorded in a transaction of its own, before the submission,
so that one's refusal cannot roll the count back.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from lka_common.uow import UnitOfWork
from lka_readings.adapters import attempts
from lka_readings.domain.errors import TooManyAnonymousReadings

WINDOW = timedelta(hours=1)


async def count_anonymous_attempt(uow: UnitOfWork, client_address: str, per_hour: int) -> None:
    """Record one attempt from this address, or refuse it when the hour's allowance is spent."""
    now = datetime.now(UTC)
    async with uow:
        await attempts.lock(uow.session, client_address)
        oldest_counted = await attempts.nth_newest(uow.session, client_address, per_hour, now - WINDOW)
        if oldest_counted is not None:
            # Refused attempts are not recorded: a client that keeps knocking is let in again
            # an hour after its allowance was spent, not never.
            wait = (oldest_counted + WINDOW - now).total_seconds()
            raise TooManyAnonymousReadings(max(math.ceil(wait), 1))
        await attempts.record(uow.session, client_address, now, WINDOW)
        await uow.commit()
