"""The problem responses a route can give, for its OpenAPI document (docs/quality.md item 9: every status
a call answers is documented, with the problem+json shape it really has).

Declaring 422 here also replaces FastAPI's default validation schema, which is not ours.
Each service keeps the sentence describing each status for its own routes.
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

# Possible on every route: a body over the limit, the database out of reach.
ALWAYS = {413: "payload_too_large", 503: "service_unavailable: the database cannot be reached"}


def problem_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route answering these statuses (plus those possible everywhere)."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status, description in sorted({**ALWAYS, **descriptions}.items()):
        entry: dict[str, Any] = {
            "description": description,
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
        documented[status] = entry
    return documented
