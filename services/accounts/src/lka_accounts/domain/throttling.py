"""The keys failed link attempts are counted on: one per user, one per account.

The counting itself (a sliding window, in the database so every API replica counts the same
attempts) is lka_common's: throttling.py does the arithmetic, attempts.py the SQL.
"""

from __future__ import annotations

from uuid import UUID


def user_key(user_id: UUID) -> str:
    return f"user:{user_id}"


def account_key(region_code: str, number: str) -> str:
    """Every guess at one account counts, whichever profile makes it, and whether billing knows it."""
    return f"account:{region_code}/{number}"
