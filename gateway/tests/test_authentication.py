"""The token check at the edge: who gets through to a service, and what the service is told."""

from __future__ import annotations

import uuid
from datetime import timedelta

import aiohttp
import pytest

from lka_common.testing.tokens import TokenFactory

PROBLEM = "application/problem+json"

PROTECTED = [
    ("GET", "/api/v1/accounts"),
    ("DELETE", "/api/v1/accounts/7f1c"),
    ("GET", "/api/v1/accounts/7f1c/meters"),
    ("GET", "/api/v1/profile"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/payments"),
    ("GET", "/api/v1/operator/feedback"),
]
PUBLIC = [
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/email/confirm"),
    ("POST", "/api/v1/auth/email/resend"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/password/forgot"),
    ("POST", "/api/v1/auth/password/reset"),
    ("GET", "/api/v1/.well-known/jwks.json"),
    ("GET", "/api/v1/regions"),
    ("POST", "/api/v1/public/readings"),
    ("POST", "/api/v1/feedback"),
    ("POST", "/api/v1/payments/acquirer/rbs/callback"),
]


async def _refused(response: aiohttp.ClientResponse) -> dict[str, object]:
    assert response.status == 401
    assert response.content_type == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem: dict[str, object] = await response.json(content_type=PROBLEM)
    assert problem["code"] == "unauthorized"
    assert any("а" <= ch <= "я" for ch in str(problem["detail"]))
    return problem


async def _received(response: aiohttp.ClientResponse) -> dict[str, list[str]]:
    assert response.status == 200
    received: dict[str, list[str]] = {}
    for name, value in (await response.json())["headers"]:
        received.setdefault(name, []).append(value)
    return received


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_a_protected_route_without_a_token_is_a_401_problem(
    gateway: str, anonymous: aiohttp.ClientSession, method: str, path: str
) -> None:
    async with anonymous.request(method, gateway + path) as response:
        await _refused(response)


@pytest.mark.parametrize(("method", "path"), PUBLIC)
async def test_a_public_route_needs_no_token(
    gateway: str, anonymous: aiohttp.ClientSession, method: str, path: str
) -> None:
    async with anonymous.request(method, gateway + path) as response:
        assert response.status == 200
        assert "x-user-id" not in dict(await _received(response))


async def test_the_service_is_told_the_verified_caller_never_the_callers_claim(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = tokens.issue(user_id, role="operator", sid=str(session_id))
    spoofed = {
        "X-User-Id": str(uuid.uuid4()),
        "X-User-Role": "admin",
        "X-User-Email": "boss@example.ru",
        "X-Session-Id": str(uuid.uuid4()),
    }
    headers = {"Authorization": f"Bearer {token}", **spoofed}
    async with anonymous.get(gateway + "/api/v1/operator/feedback", headers=headers) as response:
        received = await _received(response)
    assert received["x-user-id"] == [str(user_id)]
    assert received["x-user-role"] == ["operator"]
    assert received["x-session-id"] == [str(session_id)]
    assert "x-user-email" not in received
    # The token goes on as well: the services verify it themselves.
    assert received["authorization"] == [f"Bearer {token}"]


async def test_identity_headers_from_the_caller_are_dropped_on_public_routes_too(
    gateway: str, anonymous: aiohttp.ClientSession
) -> None:
    spoofed = {"X-User-Id": str(uuid.uuid4()), "X-User-Role": "operator", "X-Session-Id": str(uuid.uuid4())}
    async with anonymous.post(gateway + "/api/v1/auth/login", headers=spoofed) as response:
        received = await _received(response)
    assert not {"x-user-id", "x-user-role", "x-session-id"} & received.keys()


async def test_the_access_cookie_signs_in_like_the_header(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    user_id = uuid.uuid4()
    headers = {"Cookie": f"__Host-lka_access={tokens.issue(user_id)}"}
    async with anonymous.get(gateway + "/api/v1/profile", headers=headers) as response:
        assert (await _received(response))["x-user-id"] == [str(user_id)]


async def test_the_services_own_cookie_name_is_not_accepted_from_outside(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    # Without the `__Host-` prefix a sibling subdomain could have planted it: only the
    # `__Host-` cookie counts, and the other never goes on to a service.
    headers = {"Cookie": f"lka_access={tokens.issue()}; theme=dark"}
    async with anonymous.get(gateway + "/api/v1/profile", headers=headers) as response:
        assert response.status == 401
    async with anonymous.get(gateway + "/api/v1/regions", headers=headers) as response:
        assert (await _received(response))["cookie"] == ["theme=dark"]


async def test_feedback_takes_no_token_a_valid_one_or_refuses_a_bad_one(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    url = gateway + "/api/v1/feedback"
    async with anonymous.post(url) as response:
        assert "x-user-id" not in await _received(response)
    user_id = uuid.uuid4()
    async with anonymous.post(url, headers={"Authorization": f"Bearer {tokens.issue(user_id)}"}) as response:
        assert (await _received(response))["x-user-id"] == [str(user_id)]
    expired = tokens.issue(user_id, lifetime=timedelta(seconds=-1))
    async with anonymous.post(url, headers={"Authorization": f"Bearer {expired}"}) as response:
        await _refused(response)


async def test_a_public_route_passes_any_token_on_unread(gateway: str, anonymous: aiohttp.ClientSession) -> None:
    # Signing in again with an expired token still around must work: login is not checked.
    headers = {"Authorization": "Bearer not.a.jwt"}
    async with anonymous.post(gateway + "/api/v1/auth/login", headers=headers) as response:
        received = await _received(response)
    assert received["authorization"] == ["Bearer not.a.jwt"]
    assert "x-user-id" not in received


async def test_the_same_token_keeps_working_across_calls(gateway: str, client: aiohttp.ClientSession) -> None:
    # The second and later calls are answered from the verified-token cache.
    for _ in range(3):
        async with client.get(gateway + "/api/v1/accounts") as response:
            assert response.status == 200
