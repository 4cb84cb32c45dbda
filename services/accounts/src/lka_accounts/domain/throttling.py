"""The keys failed link attempts are counted on: one per user, one per account.

The counting itself (a sliding window, in the database so every API replica counts the same
attempts) is lka_common's: throttling.py does the arithmetic, attempts.py the SQL.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

# How long failed attempts are kept: far longer than the hour the limits count, so an operator's
# card can show an account's failures of the last 30 days.
ATTEMPTS_KEPT = timedelta(days=30)


def user_key(user_id: UUID) -> str:
    return f"user:{user_id}"


def account_key(region_code: str, number: str) -> str:
    """Every guess at one account counts, whichever profile makes it, and whether billing knows it."""
    return f"account:{region_code}/{number}"
