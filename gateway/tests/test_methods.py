"""A known path with a method its service does not offer is a 405 at the gateway."""

from __future__ import annotations

import aiohttp
import pytest

from lka_gateway.routes import ROUTING_TABLE, match


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/v1/regions", "GET"),
        ("PUT", "/api/v1/accounts/7f1c/readings", "GET, POST"),
        ("GET", "/api/v1/auth/login", "POST"),
        ("PATCH", "/api/v1/payments/acquirer/rbs/callback", "GET, POST"),
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer some.jwt.token"])
async def test_a_wrong_method_is_a_405_problem_with_allow_before_any_token_check(
    gateway: str, anonymous: aiohttp.ClientSession, method: str, path: str, allow: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with anonymous.request(method, gateway + path, headers=headers) as response:
        assert response.status == 405
        assert response.content_type == "application/problem+json"
        assert response.headers["Allow"] == allow
        problem = await response.json()
    assert problem["code"] == "method_not_allowed"
    assert any("а" <= ch <= "я" for ch in problem["detail"].lower())


def test_every_route_offers_at_least_one_known_method() -> None:
    known = {"GET", "POST", "PUT", "PATCH", "DELETE"}
    for template, _, _, methods in ROUTING_TABLE:
        assert methods.split() and set(methods.split()) <= known, template
    route = match("/api/v1/accounts/7f1c")
    assert route is not None
    assert route.methods == {"DELETE"}
