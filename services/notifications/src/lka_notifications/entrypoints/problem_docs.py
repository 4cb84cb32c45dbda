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
# The appeals' routes: statuses mean the same on each, and some have more to say.
APPEAL_DESCRIPTIONS = {
    401: "unauthorized: no valid access token",
    403: "forbidden: operators only; staff_not_allowed: a subscriber's own action",
    404: "not_found: no such appeal or file, or not the caller's; account_not_found: not a linked account",
    409: "appeal_closed: a closed appeal changes no more",
    413: "attachment_too_large: a file over 5 MiB (refused while it streams); payload_too_large: the whole form",
    415: "unsupported_media_type: the form must be multipart/form-data",
    422: (
        "validation_error (topic, text of 1-5,000 characters, account_id, the form itself); "
        "unsupported_attachment: not JPEG, PNG or PDF by content; too_many_attachments: more than 3; "
        "not_staff: an assignee never seen at the appeals desk"
    ),
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


def appeal_problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an appeals route answering these statuses."""
    return problem_responses({status: APPEAL_DESCRIPTIONS[status] for status in statuses})
