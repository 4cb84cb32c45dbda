"""Counting attempts in a sliding window: how long a caller must wait, if at all.

The counters live in the database (adapters/attempts.py), so every replica sees the same
ones; this module only names the limits and does the arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class AttemptKind(StrEnum):
    LOGIN = "login"  # a password check: sign-in, and the password checks of change and merge
    MAIL = "mail"  # an anonymous call that may send a letter (register, resend, forgot)
    LETTER = "letter"  # a letter sent to an address without its owner being signed in
    TOKEN = "token"  # noqa: S105 - a wrong confirmation or reset token (a counter, not a secret)


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def client_key(address: str) -> str:
    return f"client:{address}"


def wait_seconds(limit: Limit, limit_th_newest: datetime | None, now: datetime) -> int | None:
    """Seconds until the caller may try again, or None when the limit is not reached.

    `limit_th_newest` is the `limit.count`-th newest attempt inside the window (None when there
    are fewer): once it leaves the window, fewer than `limit.count` remain.
    """
    if limit_th_newest is None:
        return None
    remaining = (limit_th_newest + limit.window - now).total_seconds()
    return max(math.ceil(remaining), 1)
