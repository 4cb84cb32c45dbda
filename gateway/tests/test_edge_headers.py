"""Security headers on every answer, and CORS only for the origins in the settings."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

WEB_APP = "https://lk.example.ru"
FOREIGN = "https://evil.example"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/regions", 200),  # a service's answer
        ("GET", "/api/v1/profile", 401),  # the gateway's own problem
        ("DELETE", "/api/v1/regions", 405),
        ("GET", "/api/v1/nothing", 404),
        ("GET", "/healthz", 200),
    ],
)
async def test_every_answer_carries_the_security_headers_and_a_request_id(
    gateway: str, anonymous: aiohttp.ClientSession, method: str, path: str, status: int
) -> None:
    async with anonymous.request(method, gateway + path) as response:
        assert response.status == status
        assert response.headers.getall("X-Content-Type-Options") == ["nosniff"]
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Request-ID"]
        assert "Strict-Transport-Security" not in response.headers  # no TLS in front here


async def test_a_413_made_by_the_request_middleware_has_them_too(
    gateway: str, anonymous: aiohttp.ClientSession
) -> None:
    async with anonymous.post(gateway + "/api/v1/feedback", data=b"x" * (2 * 1024 * 1024)) as response:
        assert response.status == 413
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_pages_get_a_strict_csp_and_api_answers_one_that_allows_nothing(
    gateway: str, anonymous: aiohttp.ClientSession
) -> None:
    async with anonymous.get(gateway + "/no-page-here") as page, anonymous.get(gateway + "/api/v1/regions") as api:
        page_csp, api_csp = page.headers["Content-Security-Policy"], api.headers["Content-Security-Policy"]
    assert "default-src 'self'" in page_csp and "script-src 'self'" in page_csp and "unsafe" not in page_csp
    assert api_csp.startswith("default-src 'none'")


async def test_hsts_only_when_tls_terminates_in_front(gateway_with: Any, anonymous: aiohttp.ClientSession) -> None:
    async with gateway_with(tls_in_front=True) as gateway, anonymous.get(gateway + "/api/v1/regions") as response:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_an_allowed_origin_is_granted_and_a_foreign_one_is_not(
    gateway_with: Any, anonymous: aiohttp.ClientSession
) -> None:
    async with gateway_with(cors_origins=[WEB_APP]) as gateway:
        async with anonymous.get(gateway + "/api/v1/regions", headers={"Origin": WEB_APP}) as response:
            assert response.headers["Access-Control-Allow-Origin"] == WEB_APP
            assert response.headers["Access-Control-Allow-Credentials"] == "true"
            assert "Origin" in response.headers["Vary"]
        async with anonymous.get(gateway + "/api/v1/regions", headers={"Origin": FOREIGN}) as response:
            assert response.status == 200
            assert "Access-Control-Allow-Origin" not in response.headers
            assert "Access-Control-Allow-Credentials" not in response.headers


async def test_a_preflight_is_answered_for_an_allowed_origin_only(
    gateway_with: Any, anonymous: aiohttp.ClientSession
) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    async with gateway_with(cors_origins=[WEB_APP]) as gateway:
        url = gateway + "/api/v1/accounts"
        async with anonymous.options(url, headers={**preflight, "Origin": WEB_APP}) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == WEB_APP
            assert "POST" in response.headers["Access-Control-Allow-Methods"]
            assert "x-csrf-token" in response.headers["Access-Control-Allow-Headers"].lower()
            assert response.headers["X-Request-ID"]
        async with anonymous.options(url, headers={**preflight, "Origin": FOREIGN}) as response:
            assert response.status == 403
            assert "Access-Control-Allow-Origin" not in response.headers
            assert response.headers["X-Content-Type-Options"] == "nosniff"
