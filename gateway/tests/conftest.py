"""Real servers on free ports: five stand-in services (aiohttp.web) and the gateway (uvicorn),
with the run's own RabbitMQ vhost (`amqp_url`) for the revocation events.

Test modules cannot import from here (the repository's root conftest owns the name), so
everything they share is a fixture.

A stand-in service echoes what it received, tagged with its own name. A test asks it for
something else with an `X-Test-Behaviour` header (slow, stall, stream, upload, cookies,
redirect, tokens); `gates` are events a test and a stand-in use to prove that bytes move before a
body ends. The identity stand-in also serves what the gateway asks identity for: the JWKS
of `tokens` (at a path of its own, so the routed JWKS call is still echoed) and
`/api/v1/internal/revocations` from `revocations_in_force`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import aio_pika
import aiohttp
import pytest
import pytest_asyncio
import uvicorn
from aiohttp import web

from lka_common.events.envelope import CONTENT_TYPE, new_event
from lka_common.events.identity import SessionRevoked
from lka_common.messaging.topology import EVENTS_EXCHANGE, declare_exchanges
from lka_common.testing.tokens import TokenFactory
from lka_gateway.app import create_app
from lka_gateway.main import SERVER_OPTIONS
from lka_gateway.settings import GatewaySettings

SERVICES = ("identity", "accounts", "readings", "payments", "notifications")
START_DEADLINE_S = 10.0
TEST_JWKS_PATH = "/test/jwks.json"

Gates = defaultdict[str, asyncio.Event]
GatewayFactory = Callable[..., contextlib.AbstractAsyncContextManager[str]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Publish = Callable[[UUID, UUID | None, datetime], Awaitable[None]]


def bound_socket() -> socket.socket:
    """A socket on a free loopback port, bound but not yet listening: a server handed it
    listens on it, so no other process can take the port in between."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def stand_in_service(name: str, gates: Gates, extra_routes: dict[str, Handler] | None = None) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        behaviour = request.headers.get("X-Test-Behaviour", "echo")
        gate = request.headers.get("X-Test-Gate", "")
        if behaviour == "slow":
            await asyncio.sleep(30)
        if behaviour == "stall":  # starts a 100-byte answer, then goes silent
            response = web.StreamResponse(headers={"Content-Length": "100"})
            await response.prepare(request)
            await response.write(b"0123456789")
            await asyncio.sleep(30)
        if behaviour == "stream":
            response = web.StreamResponse(headers={"Content-Type": "text/plain"})
            await response.prepare(request)
            await response.write(b"first;")
            await gates[gate].wait()  # the test opens it once "first;" reached it
            await response.write(b"second")
            await response.write_eof()
            return response
        if behaviour == "upload":
            first = await request.content.readany()
            gates[gate].set()  # the caller sends the rest only after this
            rest = await request.content.read()
            return web.json_response({"first": first.decode(), "rest": rest.decode()})
        if behaviour == "cookies":
            response = web.json_response({"service": name}, status=201)
            response.headers.add("Set-Cookie", "a=1; Path=/")
            response.headers.add("Set-Cookie", "b=2; Path=/")
            return response
        if behaviour == "redirect":
            raise web.HTTPFound("/elsewhere")
        if behaviour == "tokens":  # identity's sign-in answer, with the token the test gave
            return web.json_response(
                {
                    "access_token": request.headers["X-Test-Token"],
                    "refresh_token": f"refresh-{uuid4().hex}",
                    "token_type": "Bearer",
                    "expires_in": 900,
                    "received": (await request.read()).decode(),
                }
            )
        return web.json_response(
            {
                "service": name,
                "method": request.method,
                "raw_path": request.raw_path,
                "body": (await request.read()).decode(),
                "headers": [[key.lower(), value] for key, value in request.headers.items()],
            },
            headers={"X-Served-By": name},
        )

    # The gateway's body limits are under test, not the stand-in's (aiohttp's default is 1 MiB).
    app = web.Application(client_max_size=64 * 1024 * 1024)
    for path, extra in (extra_routes or {}).items():
        app.router.add_get(path, extra)  # registered first: they win over the catch-all
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """An aiohttp app on a free loopback port, for as long as the block runs."""
    # Handlers are cancelled when the gateway hangs up, so a "slow" one ends with its test.
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    sock = bound_socket()
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


@pytest.fixture(scope="session")
def serve() -> Callable[[web.Application], contextlib.AbstractAsyncContextManager[str]]:
    return serving


@pytest_asyncio.fixture(scope="session")
async def gates() -> Gates:
    return defaultdict(asyncio.Event)


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    """Signs tokens as identity does; its JWKS is what the identity stand-in serves."""
    return TokenFactory()


@pytest.fixture(scope="session")
def revocations_in_force() -> list[dict[str, Any]]:
    """What the identity stand-in answers to `/api/v1/internal/revocations`; tests add to it."""
    return []


@pytest_asyncio.fixture(scope="session")
async def service_urls(
    gates: Gates, tokens: TokenFactory, revocations_in_force: list[dict[str, Any]]
) -> AsyncIterator[dict[str, str]]:
    async def jwks(_: web.Request) -> web.Response:
        return web.json_response(tokens.jwks())

    async def revocations(_: web.Request) -> web.Response:
        return web.json_response(revocations_in_force)

    identity_routes = {TEST_JWKS_PATH: jwks, "/api/v1/internal/revocations": revocations}
    async with contextlib.AsyncExitStack() as stack:
        urls: dict[str, str] = {}
        for name in SERVICES:
            app = stand_in_service(name, gates, identity_routes if name == "identity" else None)
            urls[name] = await stack.enter_async_context(serving(app))
        yield urls


@contextlib.asynccontextmanager
async def running_gateway(settings: GatewaySettings, wait_ready: bool = True) -> AsyncIterator[str]:
    """The gateway app under uvicorn with the production server options, in this loop;
    by default only once `/readyz` says it has subscribed and loaded the revocations."""
    sock = bound_socket()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), **SERVER_OPTIONS))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        async with asyncio.timeout(START_DEADLINE_S):
            while not server.started:
                if task.done():
                    task.result()  # start-up failed: its error surfaces here
                await asyncio.sleep(0.01)
            while wait_ready and not await _answers_ready(base_url):
                await asyncio.sleep(0.02)
        yield base_url
    finally:
        server.should_exit = True
        await task
        sock.close()


async def _answers_ready(base_url: str) -> bool:
    async with aiohttp.ClientSession() as http, http.get(base_url + "/readyz") as response:
        return response.status == 200


@pytest.fixture(scope="session")
def gateway_settings(service_urls: dict[str, str], amqp_url: str) -> dict[str, Any]:
    """The settings of every test gateway: the stand-ins, the run's vhost, quick retries."""
    return {
        **{f"{name}_url": url for name, url in service_urls.items()},
        "jwks_url": service_urls["identity"] + TEST_JWKS_PATH,
        "amqp_url": amqp_url,
        "revocations_retry_first_s": 0.05,
        "revocations_retry_max_s": 0.2,
        # Any free port for each gateway's metrics listener: several gateways run at once.
        "metrics_port": 0,
        # This run's own rate counters in the shared Redis: runs never count against each other.
        "rate_limit_prefix": f"lka:test:{uuid4().hex}:",
        # No web front end unless a test gives one (test_web_app.py): what these answer must
        # not depend on whether web/dist happens to be built in this checkout.
        "web_dir": "/nonexistent/lka-web",
    }


@pytest.fixture(scope="session")
def gateway_with(gateway_settings: dict[str, Any]) -> GatewayFactory:
    """A gateway of the test's own, its settings changed by keyword (e.g. `readings_url=`);
    `wait_ready=False` hands it over before it is ready."""

    def factory(wait_ready: bool = True, **overrides: Any) -> contextlib.AbstractAsyncContextManager[str]:
        return running_gateway(GatewaySettings(**{**gateway_settings, **overrides}), wait_ready)

    return factory


@pytest_asyncio.fixture(scope="session")
async def gateway(gateway_settings: dict[str, Any]) -> AsyncIterator[str]:
    """The gateway most tests share, with default settings, in front of the stand-ins."""
    async with running_gateway(GatewaySettings(**gateway_settings)) as base_url:
        yield base_url


def _session(headers: dict[str, str] | None = None) -> aiohttp.ClientSession:
    # No headers of the client library's own, so each test controls exactly what is sent.
    return aiohttp.ClientSession(headers=headers, skip_auto_headers=("Accept-Encoding", "User-Agent"))


@pytest_asyncio.fixture
async def client(tokens: TokenFactory) -> AsyncIterator[aiohttp.ClientSession]:
    """A signed-in subscriber: every call carries a valid access token unless it sends its own."""
    async with _session({"Authorization": f"Bearer {tokens.issue()}"}) as session:
        yield session


@pytest_asyncio.fixture
async def anonymous() -> AsyncIterator[aiohttp.ClientSession]:
    """A caller with no token at all."""
    async with _session() as session:
        yield session


@pytest_asyncio.fixture(scope="session")
async def publish_revocation(amqp_url: str) -> AsyncIterator[Publish]:
    """Publishes `identity.session.revoked.v1` on `lka.events` as identity's relay would."""
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    exchanges = await declare_exchanges(channel)
    assert exchanges.events.name == EVENTS_EXCHANGE

    async def publish(user_id: UUID, session_id: UUID | None, revoked_at: datetime) -> None:
        data = SessionRevoked(user_id=user_id, session_id=session_id, revoked_at=revoked_at)
        event = new_event(data, source="/lka/identity", subject=str(user_id))
        message = aio_pika.Message(event.to_json(), content_type=CONTENT_TYPE, message_id=event.id)
        await exchanges.events.publish(message, routing_key=event.type)

    yield publish
    await connection.close()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """The address of a port that is bound but not listening: every connect is refused."""
    sock = bound_socket()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
