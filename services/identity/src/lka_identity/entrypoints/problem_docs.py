"""What each problem status means on identity's routes, for their OpenAPI documents."""

from __future__ import annotations

from typing import Any

from lka_common.problem_docs import problem_responses

_DESCRIPTIONS = {
    400: "invalid_token: unknown, used or expired",
    401: "unauthorized, invalid_credentials, profile_merged (sign-in: the right password of a merged profile)"
    " or session_expired",
    403: "email_not_confirmed (sign-in) or staff_not_allowed (merge: a subscriber's action)",
    409: "merge_self, already_merged or merge_source_unconfirmed",
    413: "payload_too_large",
    422: "validation_error, consent_required, password_mismatch, weak_password, invalid_current_password",
    429: "too_many_attempts (the account) or too_many_requests (the client address); see Retry-After",
    503: "service_unavailable: the database cannot be reached",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an identity route answering these statuses."""
    return problem_responses({status: _DESCRIPTIONS[status] for status in statuses})
