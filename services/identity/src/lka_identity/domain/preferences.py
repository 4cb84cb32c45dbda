"""Which letters a subscriber wants beyond the transactional ones (docs/contract.md §4
"Subscriber's own security"): every one is on until the subscriber turns it off.

The five of the contract are about letters later work sends (the readings window, a meter's
verification, a debt, a new bill, payment receipts); identity keeps them now so the choice is
the subscriber's from the start. `new_sign_in` is identity's own letter about a sign-in from a
browser not seen before (a field added beside the contract's five).
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class LetterPreferences:
    reading_window: bool = True
    verification_due: bool = True
    debt: bool = True
    bill_issued: bool = True
    payment_receipts: bool = True
    new_sign_in: bool = True


PREFERENCE_NAMES = tuple(field.name for field in fields(LetterPreferences))
