"""A routed call reaches the right service intact, and its answer comes back as a stream."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator

import aiohttp
import pytest

ROUTE_SAMPLES = [
    ("GET", "/api/v1/accounts/7f1c/meters", "readings"),
    ("POST", "/api/v1/accounts/7f1c/readings", "readings"),
    ("GET", "/api/v1/accounts/7f1c/payments", "payments"),
    ("DELETE", "/api/v1/accounts/7f1c", "accounts"),
    ("POST", "/api/v1/auth/login", "identity"),
    ("GET", "/api/v1/.well-known/jwks.json", "identity"),
    ("POST", "/api/v1/public/readings", "readings"),
    ("POST", "/api/v1/payments/acquirer/rbs/callback", "payments"),
    ("GET", "/api/v1/operator/feedback", "notifications"),
]


@pytest.mark.parametrize(("method", "path", "service"), ROUTE_SAMPLES)
async def test_a_known_route_reaches_the_service_that_owns_it(
    gateway: str, client: aiohttp.ClientSession, method: str, path: str, service: str
) -> None:
    async with client.request(method, gateway + path) as response:
        assert response.status == 200
        assert (await response.json())["service"] == service


async def test_method_path_query_and_body_reach_the_service_intact(gateway: str, client: aiohttp.ClientSession) -> None:
    body = '{"values": {"T1": 12456.5}, "note": "показания"}'
    url = gateway + "/api/v1/accounts/a%20b/readings?limit=5&offset=10&q=%D0%B0%2B"
    async with client.post(
        aiohttp.client.URL(url, encoded=True), data=body.encode(), headers={"Content-Type": "application/json"}
    ) as response:
        echoed = await response.json()
    assert echoed["method"] == "POST"
    assert echoed["raw_path"] == "/api/v1/accounts/a%20b/readings?limit=5&offset=10&q=%D0%B0%2B"
    assert echoed["body"] == body
    assert ["content-type", "application/json"] in echoed["headers"]


async def test_service_status_and_repeated_headers_come_back(gateway: str, client: aiohttp.ClientSession) -> None:
    async with client.post(gateway + "/api/v1/auth/login", headers={"X-Test-Behaviour": "cookies"}) as response:
        assert response.status == 201
        assert response.headers.getall("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
        assert await response.json() == {"service": "identity"}


async def test_service_cookies_are_not_kept_by_the_gateway(gateway: str, client: aiohttp.ClientSession) -> None:
    async with client.post(gateway + "/api/v1/auth/login", headers={"X-Test-Behaviour": "cookies"}):
        pass
    # A fresh caller must not be sent what the service set for the previous one.
    async with aiohttp.ClientSession() as stranger, stranger.get(gateway + "/api/v1/regions") as response:
        sent = dict((await response.json())["headers"])
    assert "cookie" not in sent


async def test_a_redirect_from_a_service_is_passed_on_not_followed(gateway: str, client: aiohttp.ClientSession) -> None:
    url = gateway + "/api/v1/payments/acquirer/rbs/callback"
    async with client.get(url, headers={"X-Test-Behaviour": "redirect"}, allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == "/elsewhere"


async def test_the_answer_is_streamed_to_the_caller_as_the_service_writes_it(
    gateway: str, client: aiohttp.ClientSession, gates: defaultdict[str, asyncio.Event]
) -> None:
    gate = str(uuid.uuid4())
    headers = {"X-Test-Behaviour": "stream", "X-Test-Gate": gate}
    async with client.get(gateway + "/api/v1/accounts/7f1c/consumption", headers=headers) as response:
        # The service writes its second part only after the first has reached us: a gateway
        # that waited for the whole answer would time out here.
        async with asyncio.timeout(5):
            first = await response.content.readexactly(len(b"first;"))
        gates[gate].set()
        rest = await response.content.read()
    assert first + rest == b"first;second"


async def test_the_request_body_is_streamed_to_the_service_as_the_caller_sends_it(
    gateway: str, client: aiohttp.ClientSession, gates: defaultdict[str, asyncio.Event]
) -> None:
    gate = str(uuid.uuid4())

    async def body() -> AsyncIterator[bytes]:
        yield b"part-one;"
        # The rest is sent only once the service has read the first part.
        async with asyncio.timeout(5):
            await gates[gate].wait()
        yield b"part-two"

    headers = {"X-Test-Behaviour": "upload", "X-Test-Gate": gate}
    async with client.post(gateway + "/api/v1/public/readings", data=body(), headers=headers) as response:
        assert response.status == 200
        assert await response.json() == {"first": "part-one;", "rest": "part-two"}
