"""What each problem status means on the accounts routes, for their OpenAPI documents."""

from __future__ import annotations

from typing import Any

from lka_common.problem_docs import problem_responses

_DESCRIPTIONS = {
    401: "unauthorized: no valid access token",
    403: "forbidden (operator calls by non-staff), staff_not_allowed (a subscriber's own action by staff)"
    " or same_actor (deciding a request one filed oneself)",
    404: "not_found: unknown, or not the caller's",
    409: "already_linked, request_resolved, request_approved (withdrawing an approved request),"
    " request_withdrawn, duplicate_request or account_unknown",
    422: "validation_error, invalid_account_number (not 1-20 digits) or unknown_region",
    429: "too_many_attempts: the user's failed link attempts; see Retry-After (past the account's, a request)",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an accounts route answering these statuses."""
    return problem_responses({status: _DESCRIPTIONS[status] for status in statuses})
