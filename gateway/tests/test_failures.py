"""What the caller gets when the path is unknown, the service fails, or the body is too big."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import aiohttp
import pytest

PROBLEM = "application/problem+json"
MiB = 1024 * 1024


async def _problem(response: aiohttp.ClientResponse) -> dict[str, object]:
    assert response.content_type == PROBLEM
    body: dict[str, object] = await response.json(content_type=PROBLEM)
    assert body["status"] == response.status
    return body


def _is_russian(text: object) -> bool:
    return isinstance(text, str) and any("а" <= ch.lower() <= "я" for ch in text)


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("authorization", [None, "Bearer some.jwt.token"])
async def test_an_unknown_path_is_a_404_problem_with_or_without_a_token(
    gateway: str, anonymous: aiohttp.ClientSession, method: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with anonymous.request(method, gateway + "/api/v1/no-such-thing", headers=headers) as response:
        assert response.status == 404
        problem = await _problem(response)
    assert problem["code"] == "not_found"
    assert _is_russian(problem["detail"])


@pytest.mark.parametrize(
    "path", ["/api/v1/internal/accounts/7f1c", "/internal/health", "/api/v1/internal", "/api/v1/internal/revocations"]
)
async def test_internal_paths_are_not_reachable_through_the_gateway(
    gateway: str, anonymous: aiohttp.ClientSession, path: str
) -> None:
    async with anonymous.get(gateway + path) as response:
        assert response.status == 404
        assert (await _problem(response))["code"] == "not_found"


async def test_an_unreachable_service_is_a_503_problem(
    gateway_with: Callable[..., AbstractAsyncContextManager[str]], client: aiohttp.ClientSession, refused_url: str
) -> None:
    async with gateway_with(readings_url=refused_url) as gateway:
        async with client.get(gateway + "/api/v1/accounts/7f1c/meters") as response:
            assert response.status == 503
            problem = await _problem(response)
            assert response.headers["Retry-After"] == "2"
        # Only the unreachable service fails; the others still answer.
        async with client.get(gateway + "/api/v1/regions") as other:
            assert other.status == 200
    assert problem["code"] == "service_unavailable"
    assert _is_russian(problem["detail"])


async def test_a_slow_service_is_a_504_problem_within_the_read_timeout(
    gateway_with: Callable[..., AbstractAsyncContextManager[str]], client: aiohttp.ClientSession
) -> None:
    async with gateway_with(read_timeout_s=0.5) as gateway:
        started = time.monotonic()
        async with client.get(gateway + "/api/v1/regions", headers={"X-Test-Behaviour": "slow"}) as response:
            elapsed = time.monotonic() - started
            assert response.status == 504
            problem = await _problem(response)
    assert problem["code"] == "gateway_timeout"
    assert 0.5 <= elapsed < 2.0


async def test_a_service_going_silent_mid_answer_breaks_the_connection(
    gateway_with: Callable[..., AbstractAsyncContextManager[str]], client: aiohttp.ClientSession
) -> None:
    # The status line is out by then: a broken connection is the only honest signal left.
    headers = {"X-Test-Behaviour": "stall"}
    async with (
        gateway_with(read_timeout_s=0.5) as gateway,
        client.get(gateway + "/api/v1/regions", headers=headers) as response,
    ):
        assert response.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()


async def test_a_declared_body_over_the_limit_is_a_413_problem(gateway: str, client: aiohttp.ClientSession) -> None:
    async with client.post(gateway + "/api/v1/feedback", data=b"x" * (MiB + 1)) as response:
        assert response.status == 413
        assert (await _problem(response))["code"] == "payload_too_large"


async def test_a_streamed_body_over_the_limit_is_a_413_problem(gateway: str, client: aiohttp.ClientSession) -> None:
    async def body() -> AsyncIterator[bytes]:
        # Chunked, so no length is declared: the gateway finds out while passing it on.
        for _ in range(17):
            yield b"x" * (64 * 1024)

    async with client.post(gateway + "/api/v1/feedback", data=body()) as response:
        assert response.status == 413
        assert (await _problem(response))["code"] == "payload_too_large"


async def test_a_body_at_the_limit_is_passed_on(gateway: str, client: aiohttp.ClientSession) -> None:
    async with client.post(gateway + "/api/v1/feedback", data=b"x" * MiB) as response:
        assert response.status == 200
        assert len((await response.json())["body"]) == MiB


async def test_an_upload_route_takes_a_larger_body_and_refuses_one_past_its_own_limit(
    gateway: str, client: aiohttp.ClientSession
) -> None:
    async def body(chunks: int) -> AsyncIterator[bytes]:
        for _ in range(chunks):
            yield b"x" * MiB

    # An appeal's three files of 5 MiB pass (routes.UPLOAD_ROUTES, upload_max_body_bytes 16 MiB)…
    async with client.post(gateway + "/api/v1/appeals", data=b"x" * (15 * MiB)) as response:
        assert response.status == 200
        assert len((await response.json())["body"]) == 15 * MiB
    async with client.post(gateway + "/api/v1/appeals/0c1d/messages", data=body(3)) as response:
        assert response.status == 200
    # …and past 16 MiB, declared or streamed, is refused; other methods of the path are not uploads.
    async with client.post(gateway + "/api/v1/appeals", data=b"x" * (16 * MiB + 1)) as response:
        assert (response.status, (await _problem(response))["code"]) == (413, "payload_too_large")
    async with client.post(gateway + "/api/v1/operator/appeals/0c1d/messages", data=body(17)) as response:
        assert response.status == 413
    async with client.post(gateway + "/api/v1/appeals/0c1d/close", data=b"x" * (MiB + 1)) as response:
        assert response.status == 413
