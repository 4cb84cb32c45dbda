"""Who follows which account, so its letters reach every user linked to it: the table of
lka_common.access's projection."""

from __future__ import annotations

from lka_common.access import AccessProjection
from lka_notifications.adapters.tables import account_subscribers

links = AccessProjection(account_subscribers)
