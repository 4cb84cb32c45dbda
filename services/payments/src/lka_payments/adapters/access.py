"""Who may see and pay which account: the table of lka_common.access's projection, keeping the
account's region and number too, which a payment is started with."""

from __future__ import annotations

from lka_common.access import AccessProjection
from lka_payments.adapters.tables import account_access

links = AccessProjection(account_access, details=("region_code", "account_number"))
