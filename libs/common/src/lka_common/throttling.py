"""Counting attempts in a sliding window, the arithmetic: how long a caller must wait, if at all.

Every limit of the portal (identity's sign-in and letters, accounts' link guesses, readings'
public form, notifications' feedback) is "at most `count` attempts in any `window`". The
attempts are rows in each service's own database (lka_common.attempts), so every replica counts
the same ones; this module only does the arithmetic, with no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from now until `moment`, rounded up and at least one: a `Retry-After` of 0
    would invite a retry that is refused again."""
    return max(math.ceil((moment - now).total_seconds()), 1)


def wait_seconds(limit: Limit, limit_th_newest: datetime | None, now: datetime) -> int | None:
    """Seconds until another attempt is allowed, or None while under the limit.

    `limit_th_newest` is the `limit.count`-th newest attempt inside the window (None when there
    are fewer): once it leaves the window, fewer than `limit.count` remain.
    """
    if limit_th_newest is None:
        return None
    return seconds_until(limit_th_newest + limit.window, now)
