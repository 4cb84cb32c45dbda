"""The letter policy: for each letter the portal sends, whether the per-recipient hourly cap
applies to it, who can make the portal send it, and why it is capped or not.

The cap (`LETTERS_PER_RECIPIENT_PER_HOUR`) is against mail bombing: it applies to the letters a
stranger can cause by typing someone else's address into a public form, and counts only those.
Letters a person needs (decisions on their requests, billing's verdicts, receipts, security
notices) are never suppressed and never use the cap up, so a busy hour in the portal cannot
stop a later recovery letter either. services/notifications/README.md ("Letter policy") is
this table in words; a test keeps the two and the templates equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

LetterKind = Literal["capped", "needed", "reminder", "supplier"]


@dataclass(frozen=True)
class LetterPolicy:
    """`capped`: counted against the recipient's hourly cap, and suppressed past it;
    `needed`: a letter the person needs, never capped, sent unless it is one the person may turn
    off (`LETTER_PREFERENCE`) and did; `reminder`: scheduled, sent unless the person turned its
    kind off (`LETTER_PREFERENCE`), with a one-click unsubscribe link, never capped (at most one
    per account and period where it is raised); `supplier`: to the supplier's own mailbox,
    always sent (bounded where it is caused)."""

    kind: LetterKind
    who: str  # who can make the portal send it
    why: str

    @property
    def capped(self) -> bool:
        return self.kind == "capped"

    @property
    def needed(self) -> bool:
        return self.kind == "needed"


BILLING_VERDICT = (
    "billing, on a reading of an account the person linked"
    " (the public form can send readings too, at most 10 per account a day)"
)

LETTER_POLICY: Mapping[str, LetterPolicy] = {
    "email_confirmation": LetterPolicy(
        "capped",
        "anyone: registration and its resend take any address",
        "a stranger could flood an address by registering it again and again",
    ),
    "registration_repeated": LetterPolicy(
        "capped",
        "anyone: registering an address that already has an account",
        "a stranger's repeats; the owner loses nothing if some are not sent",
    ),
    "password_reset": LetterPolicy(
        "capped",
        "anyone: recovery takes any address",
        "a stranger's repeats; the person's own needed letters never use the cap up",
    ),
    "feedback_received": LetterPolicy(
        "capped",
        "anyone: the anonymous feedback form takes any reply address",
        "a stranger could send these receipts to someone else's address",
    ),
    "link_request_resolved": LetterPolicy(
        "needed",
        "an operator deciding the person's link request, or the person correcting it with the right data",
        "a decision the person is waiting for",
    ),
    "reading_accepted": LetterPolicy(
        "needed",
        BILLING_VERDICT,
        "billing's verdict on the reading",
    ),
    "reading_rejected": LetterPolicy(
        "needed",
        BILLING_VERDICT,
        "billing's verdict, and what to correct",
    ),
    "payment_receipt": LetterPolicy(
        "needed",
        "the person, paying by card or СБП",
        "the receipt for their money (the person can turn it off; no one-click link in a receipt)",
    ),
    "payment_refunded": LetterPolicy(
        "needed",
        "the supplier's staff, refunding the person's payment (above a threshold with a supervisor's approval)",
        "their money going back to the card; only staff can cause it",
    ),
    "password_changed": LetterPolicy(
        "needed",
        "whoever has the password, or a recovery link sent to that address",
        "a security notice: the only warning if someone else did it",
    ),
    "profiles_merged": LetterPolicy(
        "needed",
        "whoever has the passwords of both accounts",
        "a security notice: the only warning if someone else did it",
    ),
    "email_change_confirm": LetterPolicy(
        "capped",
        "anyone signed in: a change of address takes any new address (with their own password)",
        "a stranger to that mailbox could flood it with links it never asked for",
    ),
    "email_change_notice_in_use": LetterPolicy(
        "capped",
        "anyone signed in: a change of address to an address that already has an account",
        "anyone who knows the password of some account could send these to any address in use",
    ),
    "email_changed": LetterPolicy(
        "needed",
        "whoever has the password and the new mailbox, changing the address",
        "a security notice to the old address: the only warning if someone else did it",
    ),
    "new_sign_in": LetterPolicy(
        "needed",
        "whoever has the password, signing in from a browser not seen before (the owner can turn it off)",
        "a security notice: the only warning if someone else signed in",
    ),
    "staff_invitation": LetterPolicy(
        "needed",
        "a supervisor inviting a new staff member, or resetting a staff member's second factor",
        "the only way to set the password and enrol the second factor; no stranger can cause it",
    ),
    "bill_issued": LetterPolicy(
        "needed",
        "billing, issuing a bill for an account the person linked and asked to get bills by e-mail (once a month)",
        "the bill the person chose to get instead of paper (the person can turn it off, in one click too)",
    ),
    "autopay_reminder": LetterPolicy(
        "needed",
        "the payments service's scheduled autopay, 3 days before the day a subscriber chose (once a month per account)",
        "the amount and the date the person's card will be charged",
    ),
    "autopay_result": LetterPolicy(
        "needed",
        "the payments service's scheduled autopay, after each attempt it made with the subscriber's saved card",
        "the outcome for their money, and whether autopay was turned off",
    ),
    "appeal_answered": LetterPolicy(
        "needed",
        "the supplier's staff, answering the person's own appeal (обращение)",
        "the answer the person is waiting for; only staff can cause it",
    ),
    "reading_window_reminder": LetterPolicy(
        "reminder",
        "the readings service's schedule, days before the closing day, for an account without a reading this period",
        "the period closes soon: a reading sent now counts for it (the person can turn it off)",
    ),
    "verification_due_reminder": LetterPolicy(
        "reminder",
        "the readings service's schedule, 30 days before a meter's verification date and on the day"
        " (once each per meter)",
        "an unverified meter's readings stop counting: time to arrange the verification (the person can turn it off)",
    ),
    "debt_reminder": LetterPolicy(
        "reminder",
        "the accounts service's schedule, days after a bill's due date, for an account that still owes"
        " above a threshold (once per bill)",
        "the debt and how to pay it before penalties grow (the person can turn it off)",
    ),
    "feedback_forward": LetterPolicy(
        "supplier",
        "anyone, through the feedback form (`FEEDBACK_PER_CLIENT_PER_HOUR` per client address)",
        "a cap on the supplier's mailbox would let one sender silence everyone's feedback",
    ),
}


# The preference of `/profile/notifications` (identity's) that turns a letter off: every
# reminder's, and the bill's and the receipt's (docs/contract.md §4 "Reminders").
LETTER_PREFERENCE: Mapping[str, str] = {
    "reading_window_reminder": "reading_window",
    "verification_due_reminder": "verification_due",
    "debt_reminder": "debt",
    "bill_issued": "bill_issued",
    "payment_receipt": "payment_receipts",
}

# The letters that also carry the one-click unsubscribe (RFC 8058 `List-Unsubscribe`, and a
# link to the portal's unsubscribe page in the body), turning off that same preference
# (lka_common.unsubscribe): the reminders and the monthly bill, letters the person receives
# without having just done anything. Not the receipt: it answers the person's own payment a
# moment ago, and a mail client's prominent "unsubscribe" button on it would invite stopping
# receipts by mistake; it is turned off in `/profile/notifications` only.
ONE_CLICK_UNSUBSCRIBE = frozenset(LETTER_PREFERENCE) - {"payment_receipt"}

# A template missing from the table (a test forbids it) would be treated as a stranger's letter.
UNKNOWN = LetterPolicy("capped", "unknown", "not in the table")

CAPPED_TEMPLATES = frozenset(template for template, policy in LETTER_POLICY.items() if policy.capped)


def policy_of(template: str) -> LetterPolicy:
    return LETTER_POLICY.get(template, UNKNOWN)
