"""Attempts of the public form, for its limits (docs/contract.md §2): per client address (an hour) and
per account (a day in Crimea), each a table of the readings database, so every API replica
counts the same ones; counted by lka_common.attempts, under an advisory lock per key."""

from __future__ import annotations

from datetime import timedelta

from lka_common.attempts import AttemptLog
from lka_readings.adapters.tables import anonymous_account_attempts, anonymous_attempts

PER_ADDRESS = AttemptLog("anon-reading", anonymous_attempts, key=("client_address",), keep=timedelta(hours=1))
# A day in Crimea is at most 24 h (no daylight saving there); two leave a margin.
PER_ACCOUNT = AttemptLog(
    "anon-reading-account", anonymous_account_attempts, key=("region_code", "account_number"), keep=timedelta(days=2)
)
