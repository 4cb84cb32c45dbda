"""Failed link attempts: one row per failure and key in `link_attempts`, in the accounts database,
so every API replica counts the same ones (docs/quality.md item 6); counted by lka_common.attempts."""

from __future__ import annotations

from lka_accounts.adapters.tables import link_attempts
from lka_common.attempts import AttemptLog

LINK_ATTEMPTS = AttemptLog("link", link_attempts, key=("key",))
