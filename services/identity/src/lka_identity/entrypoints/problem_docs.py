"""The problem responses each route can give, for its OpenAPI document (QUALITY 9: every status
a call answers is documented, with the problem+json shape it really has).

Declaring 422 here also replaces FastAPI's default validation schema, which is not ours.
"""

from __future__ import annotations

from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "Для человека, по-русски."},
        "code": {"type": "string", "description": "Stable snake_case, for a program."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_DESCRIPTIONS = {
    400: "invalid_token: unknown, used or expired",
    401: "unauthorized, invalid_credentials or session_expired",
    403: "email_not_confirmed",
    409: "merge_self or already_merged",
    413: "payload_too_large",
    422: "validation_error, consent_required, password_mismatch, weak_password, invalid_current_password",
    429: "too_many_attempts (the account) or too_many_requests (the client address); see Retry-After",
    503: "service_unavailable: the database cannot be reached",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route answering these statuses (413 and 503 are possible everywhere)."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, 413, 503}):
        entry: dict[str, Any] = {
            "description": _DESCRIPTIONS[status],
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
        documented[status] = entry
    return documented
