"""What each problem status means on the readings routes, for their OpenAPI documents."""

from __future__ import annotations

from typing import Any

from lka_common.problem_docs import problem_responses

_DESCRIPTIONS = {
    401: "unauthorized: no valid access token",
    403: "staff_not_allowed: staff cannot submit readings",
    404: "not_found: unknown, or not the caller's (for the public form: any mismatch)",
    409: "duplicate_reading: the same values for this meter and period are already submitted",
    422: "validation_error, zones_mismatch, reading_out_of_range, reading_decreased or reading_implausible"
    " (the public form: reading_not_accepted for either of the last two, in any zone)",
    429: "too_many_requests: the public form's limit per client address or per account; see Retry-After",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a readings route answering these statuses."""
    return problem_responses({status: _DESCRIPTIONS[status] for status in statuses})
