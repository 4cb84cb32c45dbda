"""The OpenAPI document tells the truth about errors: every refusal a call can give is listed
with the problem+json shape (docs/quality.md item 9)."""

from __future__ import annotations

from typing import Any

EXPECTED = {
    ("post", "/api/v1/auth/register"): {"201", "422", "429"},
    ("post", "/api/v1/auth/email/confirm"): {"200", "400", "422", "429"},
    ("post", "/api/v1/auth/login"): {"200", "401", "403", "422", "429"},
    ("post", "/api/v1/auth/refresh"): {"200", "401", "422"},
    ("post", "/api/v1/auth/logout"): {"204", "401"},
    ("post", "/api/v1/auth/password/reset"): {"200", "400", "422", "429"},
    ("post", "/api/v1/auth/password/reset/check"): {"200", "400", "422", "429"},
    ("get", "/api/v1/profile"): {"200", "401"},
    ("post", "/api/v1/profile/merge"): {"200", "401", "403", "409", "422", "429"},
    ("post", "/api/v1/auth/login/mfa"): {"200", "401", "422", "429"},
    ("post", "/api/v1/staff/invitations"): {"201", "401", "403", "409", "422"},
    ("post", "/api/v1/staff/invitations/accept"): {"200", "400", "409", "422", "429"},
    ("get", "/api/v1/staff"): {"200", "401", "403"},
    ("post", "/api/v1/staff/{user_id}/disable"): {"200", "401", "403", "404", "409"},
    ("post", "/api/v1/staff/{user_id}/enable"): {"200", "401", "403", "404", "409"},
    ("post", "/api/v1/staff/{user_id}/reset-mfa"): {"200", "401", "403", "404", "409"},
}


async def test_every_refusal_is_documented_as_problem_json(portal: Any) -> None:
    document = (await portal.api.get("/openapi.json")).json()

    for (method, path), statuses in EXPECTED.items():
        responses = document["paths"][path][method]["responses"]
        assert statuses <= set(responses), (method, path)
        for status in statuses - {"200", "201", "202", "204"}:
            assert list(responses[status]["content"]) == ["application/problem+json"], (path, status)
    assert "Retry-After" in document["paths"]["/api/v1/auth/login"]["post"]["responses"]["429"]["headers"]


async def test_the_unsubscribe_link_documents_only_what_it_answers(portal: Any) -> None:
    # A missing or overlong token is the same 400 as a forged one: no validation 422 to document.
    document = (await portal.api.get("/openapi.json")).json()

    for method in ("get", "post"):
        operation = document["paths"]["/api/v1/public/unsubscribe"][method]
        assert set(operation["responses"]) == {"200", "400", "413", "429", "503"}, method
        assert [(p["name"], p["in"], p["required"]) for p in operation["parameters"]] == [("token", "query", True)]
