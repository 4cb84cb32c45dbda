"""What each problem status means on the notifications routes, for their OpenAPI documents."""

from __future__ import annotations

from typing import Any

from lka_common.problem_docs import problem_responses

_DESCRIPTIONS = {
    401: "unauthorized: no valid access token",
    403: "forbidden: operators only",
    422: "validation_error",
    429: "too_many_requests: feedback from this client address per hour; see Retry-After",
}
# The feedback form takes a token but needs none, and an anonymous one must give an e-mail.
_FORM_DESCRIPTIONS = {
    **_DESCRIPTIONS,
    401: "unauthorized: a token was given and is not valid (without one the form is anonymous)",
    422: "validation_error: topic, message, or the e-mail an anonymous form needs",
}


def problems(*statuses: int, form: bool = False) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a notifications route answering these statuses (`form`: the feedback form's)."""
    described = _FORM_DESCRIPTIONS if form else _DESCRIPTIONS
    return problem_responses({status: described[status] for status in statuses})
