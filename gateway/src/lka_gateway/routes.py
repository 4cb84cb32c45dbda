"""The routing table (docs/contract.md §2): which service owns each public path under `/api/v1`.

Routing comes before authentication, so a path not listed here is 404 for everybody.
Paths under `/internal/` are calls the services make to each other and are never listed.
Each row also says who may call the path (`Access`), so the token check reads it from the
matched route instead of keeping a list of its own, and which methods the services offer
there (docs/contract.md §2 tables): any other is a 405 at the gateway, before any token check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

API_PREFIX = "/api/v1"


class Access(Enum):
    """Who may call a route: the public calls of docs/contract.md §2 need no token, the rest do."""

    SIGNED_IN = "signed_in"  # a valid access token, or 401
    PUBLIC = "public"  # no check: whatever token comes along goes on to the service unread
    OPTIONAL = "optional"  # no token is fine, but one that is given must be valid


SIGNED_IN, PUBLIC, OPTIONAL = Access.SIGNED_IN, Access.PUBLIC, Access.OPTIONAL

# The "service" of a call the gateway answers itself, from several services' answers
# (composed.py): `/operator/jobs` merges the scheduler's runs of payments, readings and accounts.
GATEWAY = "gateway"

# Most specific first: the `/accounts/{account_id}/...` sub-resources belong to other services
# than `/accounts/{account_id}` itself. A `{param}` is one non-empty path segment, named as the
# owning service's OpenAPI names it: the template names the gateway's server span and its
# metrics' `route`, so a call reads the same at the gateway and at the service (test_openapi.py
# holds the two to each other). Methods are space-separated; HEAD is not implied by GET, as the
# services' FastAPI routes do not.
ROUTING_TABLE: tuple[tuple[str, str, Access, str], ...] = (
    ("/accounts/{account_id}/meters", "readings", SIGNED_IN, "GET"),
    ("/accounts/{account_id}/readings", "readings", SIGNED_IN, "GET POST"),
    ("/accounts/{account_id}/consumption", "readings", SIGNED_IN, "GET"),
    ("/accounts/{account_id}/payments", "payments", SIGNED_IN, "GET"),
    ("/accounts/{account_id}/autopay", "payments", SIGNED_IN, "GET PUT DELETE"),
    ("/accounts/{account_id}/bills", "accounts", SIGNED_IN, "GET"),
    ("/accounts/{account_id}/bills/{bill_id}.pdf", "accounts", SIGNED_IN, "GET"),
    ("/accounts/{account_id}/bills/{bill_id}", "accounts", SIGNED_IN, "GET"),
    ("/accounts/{account_id}/paperless", "accounts", SIGNED_IN, "GET PUT"),
    ("/accounts", "accounts", SIGNED_IN, "GET POST"),
    ("/accounts/{account_id}", "accounts", SIGNED_IN, "DELETE"),
    ("/regions", "accounts", PUBLIC, "GET"),
    ("/link-requests", "accounts", SIGNED_IN, "GET"),
    ("/link-requests/{request_id}", "accounts", SIGNED_IN, "PUT DELETE"),
    ("/operator/link-requests", "accounts", SIGNED_IN, "GET"),
    ("/operator/link-requests/{request_id}/approve", "accounts", SIGNED_IN, "POST"),
    ("/operator/link-requests/{request_id}/reject", "accounts", SIGNED_IN, "POST"),
    ("/operator/billing-accounts/{region_code}/{number}", "accounts", SIGNED_IN, "GET"),
    ("/auth/register", "identity", PUBLIC, "POST"),
    ("/auth/email/confirm", "identity", PUBLIC, "POST"),
    ("/auth/email/resend", "identity", PUBLIC, "POST"),
    ("/auth/login", "identity", PUBLIC, "POST"),
    ("/auth/login/mfa", "identity", PUBLIC, "POST"),
    ("/auth/refresh", "identity", PUBLIC, "POST"),
    ("/auth/logout", "identity", SIGNED_IN, "POST"),
    ("/auth/password/forgot", "identity", PUBLIC, "POST"),
    ("/auth/password/reset", "identity", PUBLIC, "POST"),
    ("/auth/password/reset/check", "identity", PUBLIC, "POST"),
    ("/profile", "identity", SIGNED_IN, "GET"),
    ("/profile/password", "identity", SIGNED_IN, "POST"),
    ("/profile/merge", "identity", SIGNED_IN, "POST"),
    ("/profile/email", "identity", SIGNED_IN, "POST"),
    ("/profile/email/confirm", "identity", SIGNED_IN, "POST"),
    ("/profile/sessions", "identity", SIGNED_IN, "GET DELETE"),
    ("/profile/sessions/{session_id}", "identity", SIGNED_IN, "DELETE"),
    ("/profile/notifications", "identity", SIGNED_IN, "GET PUT"),
    ("/staff", "identity", SIGNED_IN, "GET"),
    ("/staff/invitations", "identity", SIGNED_IN, "POST"),
    ("/staff/invitations/accept", "identity", PUBLIC, "POST"),
    ("/staff/{user_id}/disable", "identity", SIGNED_IN, "POST"),
    ("/staff/{user_id}/enable", "identity", SIGNED_IN, "POST"),
    ("/staff/{user_id}/reset-mfa", "identity", SIGNED_IN, "POST"),
    ("/.well-known/jwks.json", "identity", PUBLIC, "GET"),
    ("/public/unsubscribe", "identity", PUBLIC, "GET POST"),
    ("/public/readings", "readings", PUBLIC, "POST"),
    ("/public/readings/meter", "readings", PUBLIC, "POST"),
    ("/payments", "payments", SIGNED_IN, "POST"),
    ("/payments/{payment_id}", "payments", SIGNED_IN, "GET"),
    ("/payments/basket", "payments", SIGNED_IN, "POST"),
    ("/payments/baskets/{basket_id}", "payments", SIGNED_IN, "GET"),
    ("/payments/acquirer/rbs/callback", "payments", PUBLIC, "GET POST"),
    ("/cards", "payments", SIGNED_IN, "GET"),
    ("/cards/{card_id}", "payments", SIGNED_IN, "DELETE"),
    ("/feedback", "notifications", OPTIONAL, "POST"),
    ("/operator/feedback", "notifications", SIGNED_IN, "GET"),
    ("/appeals/topics", "notifications", SIGNED_IN, "GET"),
    ("/appeals", "notifications", SIGNED_IN, "GET POST"),
    ("/appeals/{appeal_id}", "notifications", SIGNED_IN, "GET"),
    ("/appeals/{appeal_id}/messages", "notifications", SIGNED_IN, "POST"),
    ("/appeals/{appeal_id}/close", "notifications", SIGNED_IN, "POST"),
    ("/appeals/{appeal_id}/attachments/{attachment_id}", "notifications", SIGNED_IN, "GET"),
    ("/operator/appeals", "notifications", SIGNED_IN, "GET"),
    ("/operator/appeals/{appeal_id}/assign", "notifications", SIGNED_IN, "POST"),
    ("/operator/appeals/{appeal_id}/messages", "notifications", SIGNED_IN, "POST"),
    ("/operator/audit", "identity", SIGNED_IN, "GET"),
    ("/operator/payments", "payments", SIGNED_IN, "GET"),
    ("/operator/payments/{payment_id}", "payments", SIGNED_IN, "GET"),
    ("/operator/payments/{payment_id}/refunds", "payments", SIGNED_IN, "POST"),
    ("/operator/refunds", "payments", SIGNED_IN, "GET"),
    ("/operator/refunds/{refund_id}/approve", "payments", SIGNED_IN, "POST"),
    ("/operator/refunds/{refund_id}/reject", "payments", SIGNED_IN, "POST"),
    ("/operator/reconciliations", "payments", SIGNED_IN, "POST"),
    ("/operator/reconciliations/{day}.csv", "payments", SIGNED_IN, "GET"),
    ("/operator/reconciliations/{day}", "payments", SIGNED_IN, "GET"),
    ("/operator/jobs", GATEWAY, SIGNED_IN, "GET"),
)

# The routes whose bodies may pass the ordinary limit (`max_body_bytes`): multipart uploads of
# files, up to `upload_max_body_bytes` (lka_common.body_limits). Each file's own limit is the
# service's (an appeal's attachment: 5 MiB, refused while it streams).
UPLOAD_ROUTES: tuple[tuple[str, str], ...] = (
    ("POST", "/appeals"),
    ("POST", "/appeals/{appeal_id}/messages"),
    ("POST", "/operator/appeals/{appeal_id}/messages"),
)

_PARAM = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True, slots=True)
class Route:
    """A matched template. `path` is the full template: it names the server span and labels
    metrics (like Starlette's routes, whose `.path` the shared request middleware reads)."""

    path: str
    service: str
    access: Access
    methods: frozenset[str]
    # The `Allow` header of a 405, written once rather than per refused call.
    allow: str


def _compile(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def _build() -> tuple[dict[str, Route], dict[str, tuple[tuple[re.Pattern[str], Route], ...]]]:
    # Literal paths are looked up in one dict; templates are tried in table order, but only
    # those sharing the first segment, so a match costs a handful of regex calls at most.
    literal: dict[str, Route] = {}
    templated: dict[str, list[tuple[re.Pattern[str], Route]]] = {}
    for template, service, access, methods in ROUTING_TABLE:
        allowed = methods.split()
        route = Route(API_PREFIX + template, service, access, frozenset(allowed), ", ".join(allowed))
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
