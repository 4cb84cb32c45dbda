"""The routing table (CONTRACT §2): which service owns each public path under `/api/v1`.

Routing comes before authentication, so a path not listed here is 404 for everybody.
Paths under `/internal/` are calls the services make to each other and are never listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

API_PREFIX = "/api/v1"

# Most specific first: the `/accounts/{id}/...` sub-resources belong to other services than
# `/accounts/{id}` itself. A `{param}` is one non-empty path segment.
ROUTING_TABLE: tuple[tuple[str, str], ...] = (
    ("/accounts/{id}/meters", "readings"),
    ("/accounts/{id}/readings", "readings"),
    ("/accounts/{id}/consumption", "readings"),
    ("/accounts/{id}/payments", "payments"),
    ("/accounts", "accounts"),
    ("/accounts/{id}", "accounts"),
    ("/regions", "accounts"),
    ("/link-requests", "accounts"),
    ("/link-requests/{id}", "accounts"),
    ("/operator/link-requests", "accounts"),
    ("/operator/link-requests/{id}/approve", "accounts"),
    ("/operator/link-requests/{id}/reject", "accounts"),
    ("/operator/billing-accounts/{region_code}/{number}", "accounts"),
    ("/auth/register", "identity"),
    ("/auth/email/confirm", "identity"),
    ("/auth/email/resend", "identity"),
    ("/auth/login", "identity"),
    ("/auth/refresh", "identity"),
    ("/auth/logout", "identity"),
    ("/auth/password/forgot", "identity"),
    ("/auth/password/reset", "identity"),
    ("/profile", "identity"),
    ("/profile/password", "identity"),
    ("/profile/merge", "identity"),
    ("/.well-known/jwks.json", "identity"),
    ("/public/readings", "readings"),
    ("/payments", "payments"),
    ("/payments/{id}", "payments"),
    ("/payments/acquirer/rbs/callback", "payments"),
    ("/feedback", "notifications"),
    ("/operator/feedback", "notifications"),
)

_PARAM = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True, slots=True)
class Route:
    """A matched template. `path` is the full template: it labels metrics and log lines
    (like Starlette's routes, whose `.path` the shared request middleware reads)."""

    path: str
    service: str


def _compile(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def _build() -> tuple[dict[str, Route], dict[str, tuple[tuple[re.Pattern[str], Route], ...]]]:
    # Literal paths are looked up in one dict; templates are tried in table order, but only
    # those sharing the first segment, so a match costs a handful of regex calls at most.
    literal: dict[str, Route] = {}
    templated: dict[str, list[tuple[re.Pattern[str], Route]]] = {}
    for template, service in ROUTING_TABLE:
        route = Route(API_PREFIX + template, service)
        if _PARAM.search(template):
            templated.setdefault(_first_segment(template), []).append((_compile(template), route))
        else:
            literal[template] = route
    return literal, {first: tuple(routes) for first, routes in templated.items()}


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1]


def _has_dot_segment(path: str) -> bool:
    # `.` and `..` are never ids; refusing them keeps what we matched equal to what any
    # URL normaliser on the way would make of the path.
    padded = path + "/"
    return "/./" in padded or "/../" in padded


_LITERAL, _TEMPLATED = _build()


def match(path: str) -> Route | None:
    """The route of a request path (`scope["path"]`), or None: the gateway answers 404."""
    if not path.startswith(API_PREFIX + "/"):
        return None
    rest = path[len(API_PREFIX) :]
    route = _LITERAL.get(rest)
    if route is not None:
        return route
    if _has_dot_segment(rest):
        return None
    for pattern, candidate in _TEMPLATED.get(_first_segment(rest), ()):
        if pattern.fullmatch(rest):
            return candidate
    return None
