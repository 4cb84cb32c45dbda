"""What a personal account number (номер лицевого счета) can be.

Billing numbers accounts with digits only, as on the supplier's receipts (the billing
simulator's demo accounts are eight digits: tools/billing_simulator/README.md); nothing in
billing's events (docs/contract.md §3) has ever carried another character. A number with a
letter, a space or a dash names an account that cannot exist, so it is refused at the field
(422 `invalid_account_number`) instead of becoming a request an operator could never approve.
At most 20 digits leaves room for longer numbers than today's.
"""

from __future__ import annotations

import re

from lka_accounts.domain.errors import InvalidAccountNumber

MAX_DIGITS = 20
# For the OpenAPI document (the one statement of the format a client can read); the check is `check`.
PATTERN = rf"^[0-9]{{1,{MAX_DIGITS}}}$"
_NUMBER = re.compile(PATTERN)


def check(number: str) -> None:
    """Refuse a number that is not 1-20 ASCII digits."""
    if not _NUMBER.fullmatch(number):
        raise InvalidAccountNumber
