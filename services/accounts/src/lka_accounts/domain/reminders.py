"""The debt reminder's rule (docs/contract.md §4 "Reminders"): an account that owes more than a
threshold `days_after_due` days after its latest bill's due date is reminded once for that bill.

What it owes is what it owes now, by the newest state the service knows: billing's debt and
penalty (`billing.account.updated.v1`, the newest `as_of`), less what was paid in the portal
and billing has not registered yet. Whoever paid since the bill is not reminded.
"""

from __future__ import annotations

from datetime import date, timedelta

DEBT = "debt"  # the kind in `reminders_sent`, and the preference that turns the letter off


def latest_due_date_reminded(today: date, days_after_due: int) -> date:
    """Bills due on or before this day are reminded today (a run missed on the day still sends)."""
    return today - timedelta(days=days_after_due)
