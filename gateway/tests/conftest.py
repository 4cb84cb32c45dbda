"""Real servers on free ports: five stand-in services (aiohttp.web) and the gateway (uvicorn).

Test modules cannot import from here (the repository's root conftest owns the name), so
everything they share is a fixture.

A stand-in service echoes what it received, tagged with its own name. A test asks it for
something else with an `X-Test-Behaviour` header (slow, stall, stream, upload, cookies,
redirect); `gates` are events a test and a stand-in use to prove that bytes move before a
body ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import uvicorn
from aiohttp import web

from lka_gateway.app import create_app
from lka_gateway.main import SERVER_OPTIONS
from lka_gateway.settings import GatewaySettings

SERVICES = ("identity", "accounts", "readings", "payments", "notifications")
START_DEADLINE_S = 10.0

Gates = defaultdict[str, asyncio.Event]
GatewayFactory = Callable[..., contextlib.AbstractAsyncContextManager[str]]


def bound_socket() -> socket.socket:
    """A socket on a free loopback port, bound but not yet listening: a server handed it
    listens on it, so no other process can take the port in between."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def stand_in_service(name: str, gates: Gates) -> web.Application:
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

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@pytest_asyncio.fixture(scope="session")
async def gates() -> Gates:
    return defaultdict(asyncio.Event)


@pytest_asyncio.fixture(scope="session")
async def service_urls(gates: Gates) -> AsyncIterator[dict[str, str]]:
    runners: list[web.AppRunner] = []
    urls: dict[str, str] = {}
    for name in SERVICES:
        # Handlers are cancelled when the gateway hangs up, so a "slow" one ends with its test.
        runner = web.AppRunner(stand_in_service(name, gates), handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        sock = bound_socket()
        await web.SockSite(runner, sock).start()
        runners.append(runner)
        urls[name] = f"http://127.0.0.1:{sock.getsockname()[1]}"
    yield urls
    for runner in runners:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def running_gateway(settings: GatewaySettings) -> AsyncIterator[str]:
    """The gateway app under uvicorn with the production server options, in this loop."""
    sock = bound_socket()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), **SERVER_OPTIONS))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(START_DEADLINE_S):
            while not server.started:
                if task.done():
                    task.result()  # start-up failed: its error surfaces here
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
def gateway_with(service_urls: dict[str, str]) -> GatewayFactory:
    """A gateway of the test's own, its settings changed by keyword (e.g. `readings_url=`)."""

    def factory(**overrides: Any) -> contextlib.AbstractAsyncContextManager[str]:
        urls = {f"{name}_url": url for name, url in service_urls.items()}
        return running_gateway(GatewaySettings(**{**urls, **overrides}))

    return factory


@pytest_asyncio.fixture(scope="session")
async def gateway(service_urls: dict[str, str]) -> AsyncIterator[str]:
    """The gateway most tests share, with default settings, in front of the stand-ins."""
    urls = {f"{name}_url": url for name, url in service_urls.items()}
    async with running_gateway(GatewaySettings(**urls)) as base_url:
        yield base_url


@pytest_asyncio.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    # No headers of the client library's own, so each test controls exactly what is sent.
    async with aiohttp.ClientSession(skip_auto_headers=("Accept-Encoding", "User-Agent")) as session:
        yield session


@pytest.fixture
def refused_url() -> Iterator[str]:
    """The address of a port that is bound but not listening: every connect is refused."""
    sock = bound_socket()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
