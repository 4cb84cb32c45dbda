"""Rate limits (docs/contract.md §2): a burst beyond the limit is a 429 with Retry-After, counted in
Redis so that every gateway replica shares the count; the client address is believed from
X-Forwarded-For only when the peer is a trusted proxy."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest
from structlog.testing import capture_logs

from lka_common.testing.tokens import TokenFactory

REGIONS = "/api/v1/regions"  # public: counted per client address
PROFILE = "/api/v1/profile"  # signed in: counted per user
TIGHT = {"anonymous": {"rate": 0.5, "burst": 3}, "signed_in": {"rate": 0.5, "burst": 2}}


@pytest.fixture
def tight() -> dict[str, Any]:
    """Small limits and counters of this test's own, so no other call counts against them."""
    return {"rate_limits": TIGHT, "rate_limit_prefix": f"lka:test:{uuid.uuid4().hex}:"}


async def _statuses(session: aiohttp.ClientSession, url: str, n: int, **kwargs: Any) -> list[int]:
    statuses = []
    for _ in range(n):
        async with session.get(url, **kwargs) as response:
            statuses.append(response.status)
            if response.status == 429:
                assert response.content_type == "application/problem+json"
                assert (await response.json())["code"] == "too_many_requests"
                assert int(response.headers["Retry-After"]) >= 1
    return statuses


async def test_a_burst_beyond_the_limit_is_a_429_with_retry_after(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any]
) -> None:
    async with gateway_with(**tight) as gateway:
        assert await _statuses(anonymous, gateway + REGIONS, 5) == [200, 200, 200, 429, 429]


async def test_two_gateways_share_the_count(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any]
) -> None:
    async with gateway_with(**tight) as first, gateway_with(**tight) as second:
        assert await _statuses(anonymous, first + REGIONS, 2) == [200, 200]
        assert await _statuses(anonymous, second + REGIONS, 2) == [200, 429]
        assert await _statuses(anonymous, first + REGIONS, 1) == [429]


async def test_signed_in_callers_are_counted_per_user(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any], tokens: TokenFactory
) -> None:
    alice = {"Authorization": f"Bearer {tokens.issue(uuid.uuid4())}"}
    bob = {"Authorization": f"Bearer {tokens.issue(uuid.uuid4())}"}
    async with gateway_with(**tight) as gateway:
        assert await _statuses(anonymous, gateway + PROFILE, 3, headers=alice) == [200, 200, 429]
        # Same address, another user: a count of its own.
        assert await _statuses(anonymous, gateway + PROFILE, 2, headers=bob) == [200, 200]


async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any]
) -> None:
    async with gateway_with(**tight, trusted_proxies=[]) as gateway:
        statuses = [
            (await _statuses(anonymous, gateway + REGIONS, 1, headers={"X-Forwarded-For": f"203.0.113.{i}"}))[0]
            for i in range(5)
        ]
    assert statuses == [200, 200, 200, 429, 429]


async def test_garbage_in_forwarded_for_is_no_address_of_its_own(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any]
) -> None:
    # From a trusted peer: a value that is not an IP is never the address, so rotating it
    # changes nothing; the count is the peer's.
    async with gateway_with(**tight) as gateway:
        statuses = [
            (await _statuses(anonymous, gateway + REGIONS, 1, headers={"X-Forwarded-For": f"<script>{i}</script>"}))[0]
            for i in range(5)
        ]
    assert statuses == [200, 200, 200, 429, 429]


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any]
) -> None:
    async with gateway_with(**tight) as gateway:  # loopback is trusted by default
        for i in range(5):
            # The client wrote the first hop itself; the last untrusted one is what counts.
            headers = {"X-Forwarded-For": f"198.51.100.1, 203.0.113.{i}, 127.0.0.1"}
            assert await _statuses(anonymous, gateway + REGIONS, 3, headers=headers) == [200, 200, 200]


async def test_without_redis_the_limits_hold_in_process_and_the_log_says_so_once(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tight: dict[str, Any], refused_url: str
) -> None:
    redis_url = refused_url.replace("http://", "redis://")
    with capture_logs() as logs:
        async with gateway_with(**tight, redis_url=redis_url) as gateway:
            assert await _statuses(anonymous, gateway + REGIONS, 5) == [200, 200, 200, 429, 429]
    assert [entry["event"] for entry in logs].count("rate_limits_local") == 1
