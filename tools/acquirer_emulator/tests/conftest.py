"""Fixtures of the emulator's tests: the emulator in-process, a merchant answering its
callbacks, and helpers to register orders the way the payments service does."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from lka_acquirer_emulator.settings import EmulatorSettings
from lka_acquirer_emulator.testing import Browser, RunningEmulator, running_emulator
from lka_common.testing import events

CREDENTIALS = {"userName": "merchant-test", "password": "merchant-secret"}
CALLBACK_KEY = "callback-test-key"


class Merchant:
    """A stand-in for the payments service's callback endpoint: records what arrives."""

    def __init__(self) -> None:
        self.calls: list[dict[str, str]] = []
        self.answer = 200

    async def callback(self, request: web.Request) -> web.Response:
        self.calls.append(dict(request.query))
        return web.Response(status=self.answer)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    settings = EmulatorSettings(
        port=0, user_name=CREDENTIALS["userName"], password=CREDENTIALS["password"], callback_key=CALLBACK_KEY
    )
    async with running_emulator(settings) as running:
        yield running


@pytest.fixture
async def merchant() -> AsyncIterator[tuple[Merchant, str]]:
    found = Merchant()
    app = web.Application()
    app.router.add_get("/callback", found.callback)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield found, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def browser(http: aiohttp.ClientSession) -> Browser:
    return Browser(http)


@pytest.fixture
def rbs(emulator: RunningEmulator, http: aiohttp.ClientSession) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await rbs("register.do", **fields)`: a form post to the bank API with our credentials."""

    async def call(method: str, **fields: Any) -> dict[str, Any]:
        form = {**CREDENTIALS, **{name: str(value) for name, value in fields.items()}}
        async with http.post(f"{emulator.url}/payment/rest/{method}", data=form) as response:
            assert response.status == 200
            answer: dict[str, Any] = await response.json()
            return answer

    return call


@pytest.fixture
def register(
    rbs: Callable[..., Awaitable[dict[str, Any]]], merchant: tuple[Merchant, str]
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await register(amount=…)`: an order with a fresh number, returning to the merchant."""

    async def make(amount: int = 150000, **fields: Any) -> dict[str, Any]:
        base = merchant[1]
        values: dict[str, Any] = dict(orderNumber=uuid.uuid4().hex, amount=amount, returnUrl=f"{base}/ok")
        values.update(failUrl=f"{base}/fail", dynamicCallbackUrl=f"{base}/callback", description="Тест")
        return await rbs("register.do", **{**values, **fields})

    return make


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    """`await eventually(check)`: poll `check()` until truthy (a deadline, never a bare sleep)."""

    return partial(events.eventually, timeout=10)
