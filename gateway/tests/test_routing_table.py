"""The routing table matches docs/contract.md §2: every public path to its service, nothing else."""

from __future__ import annotations

import pytest

from lka_gateway.routes import ROUTING_TABLE, UPLOAD_ROUTES, Access, match

CONTRACT_PATHS = [
    ("/api/v1/accounts/7f1c/meters", "readings"),
    ("/api/v1/accounts/7f1c/readings", "readings"),
    ("/api/v1/accounts/7f1c/consumption", "readings"),
    ("/api/v1/accounts/7f1c/payments", "payments"),
    ("/api/v1/accounts/7f1c/autopay", "payments"),
    ("/api/v1/accounts/7f1c/bills", "accounts"),
    ("/api/v1/accounts/7f1c/bills/B-91000202-2026-11", "accounts"),
    ("/api/v1/accounts/7f1c/bills/B-91000202-2026-11.pdf", "accounts"),
    ("/api/v1/accounts/7f1c/paperless", "accounts"),
    ("/api/v1/accounts", "accounts"),
    ("/api/v1/accounts/7f1c", "accounts"),
    ("/api/v1/regions", "accounts"),
    ("/api/v1/link-requests", "accounts"),
    ("/api/v1/link-requests/42", "accounts"),
    ("/api/v1/operator/link-requests", "accounts"),
    ("/api/v1/operator/link-requests/42/approve", "accounts"),
    ("/api/v1/operator/link-requests/42/reject", "accounts"),
    ("/api/v1/operator/billing-accounts/SIM/0012345", "accounts"),
    ("/api/v1/auth/register", "identity"),
    ("/api/v1/auth/email/confirm", "identity"),
    ("/api/v1/auth/email/resend", "identity"),
    ("/api/v1/auth/login", "identity"),
    ("/api/v1/auth/refresh", "identity"),
    ("/api/v1/auth/logout", "identity"),
    ("/api/v1/auth/password/forgot", "identity"),
    ("/api/v1/auth/password/reset", "identity"),
    ("/api/v1/auth/password/reset/check", "identity"),
    ("/api/v1/profile", "identity"),
    ("/api/v1/profile/password", "identity"),
    ("/api/v1/profile/merge", "identity"),
    ("/api/v1/profile/email", "identity"),
    ("/api/v1/profile/email/confirm", "identity"),
    ("/api/v1/profile/sessions", "identity"),
    ("/api/v1/profile/sessions/5c0e", "identity"),
    ("/api/v1/profile/notifications", "identity"),
    ("/api/v1/auth/login/mfa", "identity"),
    ("/api/v1/staff", "identity"),
    ("/api/v1/staff/invitations", "identity"),
    ("/api/v1/staff/invitations/accept", "identity"),
    ("/api/v1/staff/5c0e/disable", "identity"),
    ("/api/v1/staff/5c0e/enable", "identity"),
    ("/api/v1/staff/5c0e/reset-mfa", "identity"),
    ("/api/v1/.well-known/jwks.json", "identity"),
    ("/api/v1/public/unsubscribe", "identity"),
    ("/api/v1/public/readings", "readings"),
    ("/api/v1/public/readings/meter", "readings"),
    ("/api/v1/payments", "payments"),
    ("/api/v1/payments/9b2e", "payments"),
    ("/api/v1/payments/basket", "payments"),
    ("/api/v1/payments/baskets/4d1a", "payments"),
    ("/api/v1/payments/acquirer/rbs/callback", "payments"),
    ("/api/v1/cards", "payments"),
    ("/api/v1/cards/3f9a", "payments"),
    ("/api/v1/operator/payments", "payments"),
    ("/api/v1/operator/payments/9b2e", "payments"),
    ("/api/v1/operator/payments/9b2e/refunds", "payments"),
    ("/api/v1/operator/refunds", "payments"),
    ("/api/v1/operator/refunds/5c1d/approve", "payments"),
    ("/api/v1/operator/refunds/5c1d/reject", "payments"),
    ("/api/v1/operator/reconciliations", "payments"),
    ("/api/v1/operator/reconciliations/2026-12-15", "payments"),
    ("/api/v1/operator/reconciliations/2026-12-15.csv", "payments"),
    ("/api/v1/feedback", "notifications"),
    ("/api/v1/operator/feedback", "notifications"),
    ("/api/v1/appeals/topics", "notifications"),
    ("/api/v1/appeals", "notifications"),
    ("/api/v1/appeals/0c1d", "notifications"),
    ("/api/v1/appeals/0c1d/messages", "notifications"),
    ("/api/v1/appeals/0c1d/close", "notifications"),
    ("/api/v1/appeals/0c1d/attachments/7e2f", "notifications"),
    ("/api/v1/operator/appeals", "notifications"),
    ("/api/v1/operator/appeals/0c1d/assign", "notifications"),
    ("/api/v1/operator/appeals/0c1d/messages", "notifications"),
    ("/api/v1/operator/audit", "identity"),
    # Answered by the gateway itself, from payments', readings' and accounts' own (test_jobs.py).
    ("/api/v1/operator/jobs", "gateway"),
]


@pytest.mark.parametrize(("path", "service"), CONTRACT_PATHS)
def test_every_contract_path_belongs_to_its_service(path: str, service: str) -> None:
    route = match(path)
    assert route is not None
    assert route.service == service


# docs/contract.md §2, "Public calls": everything else needs a token; /feedback takes one if given.
CONTRACT_PUBLIC = {
    "/auth/register",
    "/auth/email/confirm",
    "/auth/email/resend",
    "/auth/login",
    "/auth/login/mfa",
    "/auth/refresh",
    "/auth/password/forgot",
    "/auth/password/reset",
    "/auth/password/reset/check",
    "/.well-known/jwks.json",
    "/regions",
    "/public/readings",
    "/public/readings/meter",
    "/public/unsubscribe",
    "/payments/acquirer/rbs/callback",
    "/staff/invitations/accept",
}


def test_exactly_the_contracts_public_calls_need_no_token() -> None:
    access = {template: route_access for template, _, route_access, _ in ROUTING_TABLE}
    assert {t for t, a in access.items() if a is Access.PUBLIC} == CONTRACT_PUBLIC
    assert {t for t, a in access.items() if a is Access.OPTIONAL} == {"/feedback"}
    assert access["/auth/logout"] is Access.SIGNED_IN


@pytest.mark.parametrize(
    ("path", "access"), [("/api/v1/accounts/7f1c/meters", Access.SIGNED_IN), ("/api/v1/regions", Access.PUBLIC)]
)
def test_a_matched_route_says_who_may_call_it(path: str, access: Access) -> None:
    route = match(path)
    assert route is not None
    assert route.access is access


def test_a_route_is_labelled_by_its_template_not_by_the_ids_in_it() -> None:
    route = match("/api/v1/accounts/7f1c/meters")
    assert route is not None
    assert route.path == "/api/v1/accounts/{account_id}/meters"
    pdf = match("/api/v1/accounts/7f1c/bills/B-1.pdf")
    assert pdf is not None
    assert pdf.path == "/api/v1/accounts/{account_id}/bills/{bill_id}.pdf"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/internal/accounts/7f1c",
        "/api/v1/internal/users",
        "/internal/accounts",
        "/api/v1/accounts/internal/x/y",
    ],
)
def test_internal_paths_are_never_routed(path: str) -> None:
    assert match(path) is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1",
        "/api/v1/",
        "/api/v2/accounts",
        "/accounts",
        "/api/v1/nothing-here",
        "/api/v1/accounts/",  # a parameter is never empty
        "/api/v1/accounts//meters",
        "/api/v1/accounts/7f1c/meters/extra",
        "/api/v1/payments/acquirer/rbs",
        "/api/v1/cards/3f9a/extra",
        "/api/v1/auth",
        "/api/v1/auth/password",
        "/api/v1/accounts/../regions",  # dot segments are never ids
        "/api/v1/accounts/./meters",
    ],
)
def test_paths_outside_the_table_match_nothing(path: str) -> None:
    assert match(path) is None


def test_every_upload_route_is_a_route_with_its_method() -> None:
    offered = {template: methods.split() for template, _, _, methods in ROUTING_TABLE}
    assert all(method in offered[template] for method, template in UPLOAD_ROUTES)
