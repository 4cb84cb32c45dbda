"""Ended sessions are refused by every gateway process: heard as events, loaded at start-up."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import aiohttp
from aiohttp import web

from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.metrics import sample
from lka_common.testing.tokens import TokenFactory

GatewayFactory = Callable[..., AbstractAsyncContextManager[str]]
URL = "/api/v1/profile"


async def _status(client: aiohttp.ClientSession, gateway: str, token: str) -> int:
    async with client.get(gateway + URL, headers={"Authorization": f"Bearer {token}"}) as response:
        return response.status


async def _refused_within(client: aiohttp.ClientSession, gateway: str, token: str, deadline_s: float) -> float:
    """Seconds until the gateway first refuses the token; fails past the deadline."""
    started = time.monotonic()
    while (status := await _status(client, gateway, token)) != 401:
        assert status == 200
        assert time.monotonic() - started < deadline_s, "the token was still accepted"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_a_revoked_session_is_refused_within_a_second(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory, publish_revocation: Any
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = tokens.issue(user_id, sid=str(session_id))
    other_session = tokens.issue(user_id)
    assert await _status(anonymous, gateway, token) == 200  # verified and cached by now

    await publish_revocation(user_id, session_id, datetime.now(UTC))

    assert await _refused_within(anonymous, gateway, token, deadline_s=1.0) < 1.0
    assert await _status(anonymous, gateway, other_session) == 200  # only that session ended


async def test_an_all_sessions_revocation_refuses_older_tokens_but_not_newer_ones(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory, publish_revocation: Any
) -> None:
    user_id = uuid.uuid4()
    now = datetime.now(UTC)
    older = tokens.issue(user_id, iat=now - timedelta(minutes=2))
    newer = tokens.issue(user_id, iat=now)
    someone_else = tokens.issue(iat=now - timedelta(minutes=2))

    await publish_revocation(user_id, None, now - timedelta(minutes=1))

    await _refused_within(anonymous, gateway, older, deadline_s=1.0)
    assert await _status(anonymous, gateway, newer) == 200
    assert await _status(anonymous, gateway, someone_else) == 200


async def test_a_gateway_started_after_a_revocation_loads_it_from_identity(
    gateway_with: GatewayFactory,
    anonymous: aiohttp.ClientSession,
    tokens: TokenFactory,
    revocations_in_force: list[dict[str, Any]],
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = tokens.issue(user_id, sid=str(session_id))
    revoked_at = datetime.now(UTC).isoformat()
    revocations_in_force.append({"user_id": str(user_id), "session_id": str(session_id), "revoked_at": revoked_at})

    async with gateway_with() as late_gateway:  # handed over once ready: the list is loaded
        assert await _status(anonymous, late_gateway, token) == 401
        assert await _status(anonymous, late_gateway, tokens.issue(user_id)) == 200


async def test_readyz_is_503_until_the_revocations_are_loaded(
    gateway_with: GatewayFactory,
    anonymous: aiohttp.ClientSession,
    serve: Callable[[web.Application], AbstractAsyncContextManager[str]],
) -> None:
    identity_up = asyncio.Event()
    asked = asyncio.Event()

    async def revocations(_: web.Request) -> web.Response:
        asked.set()
        if not identity_up.is_set():
            return web.json_response({"status": 503}, status=503)  # identity still starting
        return web.json_response([])

    app = web.Application()
    app.router.add_get("/api/v1/internal/revocations", revocations)
    async with serve(app) as identity, gateway_with(wait_ready=False, identity_url=identity) as gateway:
        async with asyncio.timeout(5):
            await asked.wait()
        async with anonymous.get(gateway + "/readyz") as response:
            assert response.status == 503
        assert sample("lka_ready", component="gateway") == 0  # what the probe answered, as a metric
        async with anonymous.get(gateway + "/healthz") as response:
            assert response.status == 200  # alive all along: only not to be sent calls yet

        identity_up.set()
        async with asyncio.timeout(5):
            while True:
                async with anonymous.get(gateway + "/readyz") as response:
                    if response.status == 200:
                        break
                await asyncio.sleep(0.05)
        assert sample("lka_ready", component="gateway") == 1


async def test_an_unreadable_event_does_not_stop_the_ones_after_it(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory, publish_revocation: Any, amqp_url: str
) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        for body in (b"not json", b'{"specversion": "1.0"}', b'{"id": "1", "source": "/x", "type": "x", "data": {}}'):
            await exchange.publish(aio_pika.Message(body), routing_key="identity.session.revoked.v1")

    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = tokens.issue(user_id, sid=str(session_id))
    await publish_revocation(user_id, session_id, datetime.now(UTC))
    await _refused_within(anonymous, gateway, token, deadline_s=1.0)
