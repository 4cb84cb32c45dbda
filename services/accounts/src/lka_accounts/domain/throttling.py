"""Counting failed link attempts in a sliding window: the keys counted, and how long to wait.

The counters live in the database (adapters/attempts.py), so every API replica counts the same
attempts; this module only names the keys and does the arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID


@dataclass(frozen=True)
class Limit:
    key: str
    count: int
    window: timedelta


def user_key(user_id: UUID) -> str:
    return f"user:{user_id}"


def account_key(region_code: str, number: str) -> str:
    """Every guess at one account counts, whichever profile makes it, and whether billing knows it."""
    return f"account:{region_code}/{number}"


def wait_seconds(limit: Limit, limit_th_newest: datetime | None, now: datetime) -> int | None:
    """Seconds until another attempt is allowed, or None while under the limit.

    `limit_th_newest` is the `limit.count`-th newest attempt inside the window (None when there
    are fewer): once it leaves the window, fewer than `limit.count` remain.
    """
    if limit_th_newest is None:
        return None
    remaining = (limit_th_newest + limit.window - now).total_seconds()
    return max(math.ceil(remaining), 1)
