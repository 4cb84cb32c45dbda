"""Fixtures of the payments tests: a migrated database, the acquirer emulator and the API
served for real in this event loop (the emulator calls the API back), tokens of the tests'
own key, accounts linked through the consumer's own handler, and the outbox read back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, NamedTuple

import aiohttp
import asyncpg
import httpx
import pytest

from lka_acquirer_emulator.settings import EmulatorSettings
from lka_acquirer_emulator.testing import Browser, RunningEmulator, running_emulator
from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.accounts import AccountLinked
from lka_common.events.envelope import CloudEvent
from lka_common.testing.databases import plain_url
from lka_common.testing.http import serve_in_background
from lka_common.testing.tokens import TokenFactory
from lka_common.uow import UnitOfWork
from lka_payments.bootstrap import build_app
from lka_payments.service_layer import access
from lka_payments.settings import PaymentsSettings

V1 = "/api/v1"


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
async def emulator() -> AsyncIterator[RunningEmulator]:
    # The emulator's default credentials and key are the service's development placeholders.
    async with running_emulator(EmulatorSettings(port=0, callback_first_retry_s=0.05)) as running:
        yield running


@pytest.fixture(autouse=True)
def callbacks_on(emulator: RunningEmulator) -> None:
    emulator.gateway.callbacks.control.mode = "on"
    emulator.gateway.callbacks.control.delay_ms = 0


@pytest.fixture(scope="session")
def settings(
    migrated_database: Callable[[str], str], amqp_url: str, tokens: TokenFactory, emulator: RunningEmulator
) -> PaymentsSettings:
    return PaymentsSettings(
        database_url=migrated_database("payments"),
        amqp_url=amqp_url,
        environment="test",
        db_pool_size=10,  # this suite's ceiling on connections; no overflow, as the APIs ship
        jwks_json=tokens.jwks_json(),
        rbs_base_url=emulator.url,
        rbs_timeout_s=5,
        payment_ceiling_kopecks=50_000_000,
    )


@pytest.fixture(scope="session")
async def api(settings: PaymentsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve_in_background(build_app(settings)) as base_url,
        httpx.AsyncClient(base_url=base_url + V1) as client,
    ):
        # The bank sends the payer back, and calls us, on the public base URL: here, this server.
        settings.public_base_url = base_url
        yield client


@pytest.fixture(scope="session")
async def db(settings: PaymentsSettings) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(plain_url(settings.database_url), min_size=1, max_size=2) as pool:
        yield pool


@pytest.fixture(scope="session")
async def uow_factory(settings: PaymentsSettings) -> AsyncIterator[Callable[[], UnitOfWork]]:
    engine = make_engine(settings, pool_size=2)
    sessions = make_sessionmaker(engine)
    yield lambda: UnitOfWork(sessions, settings.source)
    await engine.dispose()


class Payer(NamedTuple):
    user_id: uuid.UUID
    email: str
    headers: dict[str, str]
    account_id: uuid.UUID
    account_number: str


@pytest.fixture
def payer(tokens: TokenFactory, uow_factory: Callable[[], UnitOfWork]) -> Callable[[], Awaitable[Payer]]:
    """`await payer()`: a signed-in subscriber with a fresh account linked to them (through the
    consumer's own handler of `accounts.account.linked.v1`)."""

    async def make() -> Payer:
        user_id, account_id = uuid.uuid4(), uuid.uuid4()
        email, number = f"payer-{user_id.hex[:8]}@example.ru", str(uuid.uuid4().int % 10**10)
        linked = AccountLinked(
            user_id=user_id,
            account_id=account_id,
            region_code="simferopol",
            account_number=number,
            linked_via="surname",
        )
        async with uow_factory() as uow:
            await access.account_linked(uow, linked, CloudEvent(id="-", source="/lka/accounts", type="-"))
            await uow.commit()
        headers = {"Authorization": f"Bearer {tokens.issue(user_id, email=email)}"}
        return Payer(user_id, email, headers, account_id, number)

    return make


@pytest.fixture
def start(api: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await start(payer, "1523.40")`: POST /payments with a fresh key; the 201 body."""

    async def post(who: Payer, amount: str = "1523.40") -> dict[str, Any]:
        headers = {**who.headers, "Idempotency-Key": uuid.uuid4().hex}
        response = await api.post(
            "/payments", json={"account_id": str(who.account_id), "amount": amount}, headers=headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return post


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession() as http:
        yield Browser(http)


@pytest.fixture
def status_in_db(db: asyncpg.Pool) -> Callable[[str], Awaitable[str]]:
    async def read(payment_id: str) -> str:
        status: str = await db.fetchval("SELECT status FROM payments WHERE id = $1", uuid.UUID(payment_id))
        return status

    return read
