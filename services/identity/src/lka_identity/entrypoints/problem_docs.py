"""What each problem status means on identity's routes, for their OpenAPI documents."""

from __future__ import annotations

from typing import Any

from lka_common.problem_docs import problem_responses

_DESCRIPTIONS = {
    400: "invalid_token: unknown, used or expired; invalid_unsubscribe_link (an unsubscribe link we did not sign,"
    " altered, missing, or for no profile)",
    401: "unauthorized, invalid_credentials, profile_merged (sign-in: the right password of a merged profile),"
    " session_expired, invalid_mfa_code or invalid_mfa_token (staff sign-in's second step)",
    403: "email_not_confirmed (sign-in), staff_not_allowed (merge: a subscriber's action), account_disabled or"
    " mfa_enrolment_required (staff sign-in), forbidden (staff management: supervisors only)",
    404: "not_found: no staff profile has this id, or no live session of the caller's",
    409: "merge_self, already_merged, merge_source_unconfirmed; staff_self (staff management on oneself),"
    " address_taken (an invitation to an address a profile has), email_in_use (a change of address confirmed"
    " after another profile took it)",
    413: "payload_too_large",
    422: "validation_error, consent_required, password_mismatch, weak_password, invalid_current_password,"
    " email_unchanged",
    429: "too_many_attempts (the account) or too_many_requests (the client address); see Retry-After",
    503: "service_unavailable: the database cannot be reached",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an identity route answering these statuses."""
    return problem_responses({status: _DESCRIPTIONS[status] for status in statuses})
