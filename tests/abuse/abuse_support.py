"""The API the abuse suite attacks: its prefix and ports, its calls by who may make them, its documents."""

from __future__ import annotations

import importlib
from typing import Any

from lka_gateway.openapi_merge import gateway_document

V1 = "/api/v1"
SERVICE_PORTS = {"identity": 8001, "accounts": 8002, "readings": 8003, "payments": 8004, "notifications": 8005}

# docs/contract.md §2's calls by who may make them, as `METHOD /path` under /api/v1 (the public ones
# are its list; test_bola_matrix.py checks the documents declare a token exactly elsewhere).
OPERATOR_ROUTES = {
    "GET /operator/link-requests",
    "POST /operator/link-requests/{request_id}/approve",
    "POST /operator/link-requests/{request_id}/reject",
    "GET /operator/billing-accounts/{region_code}/{number}",
    "GET /operator/feedback",
    "GET /operator/appeals",
    "POST /operator/appeals/{appeal_id}/assign",
    "POST /operator/appeals/{appeal_id}/messages",
    "GET /operator/payments",
    "GET /operator/payments/{payment_id}",
    "POST /operator/payments/{payment_id}/refunds",
    "GET /operator/refunds",
    "POST /operator/refunds/{refund_id}/approve",
    "POST /operator/refunds/{refund_id}/reject",
    "POST /operator/reconciliations",
    "GET /operator/reconciliations/{day}",
    "GET /operator/reconciliations/{day}.csv",
    "GET /operator/audit",
    "GET /operator/jobs",
    "GET /staff",
    "POST /staff/invitations",
    "POST /staff/{user_id}/disable",
    "POST /staff/{user_id}/enable",
    "POST /staff/{user_id}/reset-mfa",
}
# Of those, the supervisors' only (docs/contract.md §4): the seeded operator is refused them too.
SUPERVISOR_ROUTES = {
    "POST /operator/refunds/{refund_id}/approve",
    "POST /operator/refunds/{refund_id}/reject",
    "GET /operator/audit",
    "GET /operator/jobs",
    "GET /staff",
    "POST /staff/invitations",
    "POST /staff/{user_id}/disable",
    "POST /staff/{user_id}/enable",
    "POST /staff/{user_id}/reset-mfa",
}
PUBLIC_ROUTES = {
    "POST /auth/register",
    "POST /auth/email/confirm",
    "POST /auth/email/resend",
    "POST /auth/login",
    "POST /auth/login/mfa",
    "POST /auth/refresh",
    "POST /auth/password/forgot",
    "POST /auth/password/reset",
    "POST /auth/password/reset/check",
    "GET /.well-known/jwks.json",
    "GET /regions",
    "POST /public/readings",
    "POST /public/readings/meter",
    "GET /payments/acquirer/rbs/callback",
    "POST /payments/acquirer/rbs/callback",
    "POST /staff/invitations/accept",
    "GET /public/unsubscribe",
    "POST /public/unsubscribe",
}
TOKEN_OPTIONAL = {"POST /feedback"}


def service_document(name: str) -> dict[str, Any]:
    """The service's OpenAPI document as its app serves it at /openapi.json (no server needed)."""
    bootstrap = importlib.import_module(f"lka_{name}.bootstrap")
    settings_module = importlib.import_module(f"lka_{name}.settings")
    settings_class = getattr(settings_module, f"{name.capitalize()}Settings")
    document: dict[str, Any] = bootstrap.build_app(settings_class()).openapi()
    return document


# Built once, when the test modules are collected: each service's document, and the gateway's
# (`/api/openapi.json`) made by the gateway's own `gateway_document` (the services' merged, and
# the calls it answers itself). test_fuzz.py proves they equal what the stack serves.
DOCUMENTS = {name: service_document(name) for name in SERVICE_PORTS}
MERGED = gateway_document(DOCUMENTS)
