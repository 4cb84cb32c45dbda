"""Headers on the way through: the request id, the X-Forwarded-* headers, hop-by-hop ones."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest


async def _sent_to_service(
    client: aiohttp.ClientSession, url: str, headers: dict[str, str] | list[tuple[str, str]]
) -> tuple[aiohttp.ClientResponse, dict[str, list[str]]]:
    async with client.get(url, headers=headers) as response:
        received: dict[str, list[str]] = {}
        for name, value in (await response.json())["headers"]:
            received.setdefault(name, []).append(value)
        return response, received


async def test_the_callers_request_id_reaches_the_service_and_comes_back(
    gateway: str, client: aiohttp.ClientSession
) -> None:
    request_id = f"test-{uuid.uuid4()}"
    response, received = await _sent_to_service(client, gateway + "/api/v1/regions", {"X-Request-ID": request_id})
    assert received["x-request-id"] == [request_id]
    assert response.headers.getall("X-Request-ID") == [request_id]


async def test_a_request_id_is_made_when_the_caller_gives_none(gateway: str, client: aiohttp.ClientSession) -> None:
    response, received = await _sent_to_service(client, gateway + "/api/v1/regions", {})
    made = response.headers["X-Request-ID"]
    assert uuid.UUID(made)
    assert received["x-request-id"] == [made]


async def test_a_malformed_request_id_is_replaced(gateway: str, client: aiohttp.ClientSession) -> None:
    response, received = await _sent_to_service(client, gateway + "/api/v1/regions", {"X-Request-ID": "bad id;"})
    assert received["x-request-id"] == [response.headers["X-Request-ID"]]
    assert uuid.UUID(response.headers["X-Request-ID"])


async def test_forwarded_headers_tell_the_service_who_called_and_how(
    gateway: str, client: aiohttp.ClientSession
) -> None:
    _, received = await _sent_to_service(
        client,
        gateway + "/api/v1/regions",
        {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "gopher"},
    )
    # The client address the gateway decided (a loopback peer is trusted by default); host and
    # scheme are what we saw.
    assert received["x-forwarded-for"] == ["203.0.113.7"]
    assert received["x-forwarded-host"] == [gateway.removeprefix("http://")]
    assert received["x-forwarded-proto"] == ["http"]
    assert received["host"] != [gateway.removeprefix("http://")]


async def test_hop_by_hop_headers_stop_at_the_gateway(gateway: str, client: aiohttp.ClientSession) -> None:
    response, received = await _sent_to_service(
        client,
        gateway + "/api/v1/regions",
        {
            "Connection": "keep-alive, X-Hop-Only",
            "X-Hop-Only": "1",
            "Keep-Alive": "timeout=5",
            "TE": "trailers",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "Authorization": "Bearer end-to-end",
        },
    )
    for name in ("x-hop-only", "keep-alive", "te", "proxy-authorization"):
        assert name not in received
    assert received["authorization"] == ["Bearer end-to-end"]
    # Nothing the caller did not ask for, such as compression.
    assert "accept-encoding" not in received
    assert response.headers["X-Served-By"] == "accounts"


@pytest.mark.parametrize(
    ("trusted", "sent", "decided"),
    [
        pytest.param(["127.0.0.0/8"], ["203.0.113.7"], "203.0.113.7", id="a-trusted-proxys-client"),
        pytest.param(["127.0.0.0/8"], ["6.6.6.6, 203.0.113.7, 127.0.0.9"], "203.0.113.7", id="a-chain"),
        pytest.param(["127.0.0.0/8"], ["6.6.6.6", "203.0.113.7"], "203.0.113.7", id="two-headers"),
        pytest.param(["127.0.0.0/8"], ["<script>alert(1)</script>"], "127.0.0.1", id="garbage"),
        pytest.param(["127.0.0.0/8"], [], "127.0.0.1", id="none-sent"),
        pytest.param([], ["203.0.113.7"], "127.0.0.1", id="an-untrusted-callers-claim"),
    ],
)
async def test_the_service_gets_only_the_address_the_gateway_decided(
    gateway_with: Any, anonymous: aiohttp.ClientSession, trusted: list[str], sent: list[str], decided: str
) -> None:
    """One X-Forwarded-For, with one address: the service, trusting the gateway, decides the
    same (lka_common.client_address) and never sees the caller's own chain."""
    async with gateway_with(trusted_proxies=trusted) as gateway:
        headers = [("X-Forwarded-For", value) for value in sent]
        _, received = await _sent_to_service(anonymous, gateway + "/api/v1/regions", headers)
    assert received["x-forwarded-for"] == [decided]
