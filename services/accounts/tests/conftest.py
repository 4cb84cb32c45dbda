"""Fixtures of the accounts tests: a migrated database, the API served for real with tokens of
the tests' own key, the consumer run in-process against this run's vhost, `billing` putting
accounts into the registry, and `outbox` reading back the events the service raised."""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import asyncpg
import httpx
import pytest

from lka_accounts.bootstrap import build_app, subscriptions
from lka_accounts.service_layer import billing as billing_handlers
from lka_accounts.settings import AccountsSettings
from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.billing import BillingAccountUpdated, LastPayment
from lka_common.events.envelope import CloudEvent
from lka_common.testing.databases import plain_url
from lka_common.testing.http import serve_in_background
from lka_common.testing.tokens import TokenFactory
from lka_common.testing.workers import running_consumer
from lka_common.uow import UnitOfWork

V1 = "/api/v1"


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def settings(migrated_database: Callable[[str], str], amqp_url: str, tokens: TokenFactory) -> AccountsSettings:
    return AccountsSettings(
        database_url=migrated_database("accounts"),
        amqp_url=amqp_url,
        environment="test",
        db_pool_size=6,  # this suite's ceiling on connections; no overflow, as the APIs ship
        jwks_json=tokens.jwks_json(),
    )


@pytest.fixture(scope="session")
async def api(settings: AccountsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve_in_background(build_app(settings)) as base_url,
        httpx.AsyncClient(base_url=base_url + V1) as client,
    ):
        yield client


@pytest.fixture(scope="session")
async def db(settings: AccountsSettings) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(plain_url(settings.database_url), min_size=1, max_size=2) as pool:
        yield pool


@pytest.fixture
async def consumer(settings: AccountsSettings) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """`await consumer()` starts the service's real subscriptions in this process."""
    async with contextlib.AsyncExitStack() as running:

        async def start() -> None:
            await running.enter_async_context(running_consumer(settings, lambda: subscriptions(settings)))

        yield start


class Person(NamedTuple):
    user_id: uuid.UUID
    headers: dict[str, str]


@pytest.fixture
def person(tokens: TokenFactory) -> Callable[..., Person]:
    """`person()` a signed-in subscriber, `person("operator")` an operator, and
    `person("operator", user_id=someone.user_id)` someone who has since become an operator."""

    def make(role: str = "subscriber", user_id: uuid.UUID | None = None) -> Person:
        user_id = user_id or uuid.uuid4()
        return Person(user_id, {"Authorization": f"Bearer {tokens.issue(user_id, role=role)}"})

    return make


def new_number() -> str:
    """An account number no other test uses."""
    return str(random.randint(10**9, 10**10 - 1))


def account_data(**overrides: Any) -> BillingAccountUpdated:
    """An account as billing sends it; a fresh number unless one is given."""
    values: dict[str, Any] = dict(region_code="simferopol", number=new_number(), owner_surname="Иванов")
    values.update(owner_initials="И. И.", address="г. Симферополь, ул. Киевская, д. 1, кв. 2")
    values.update(debt_kopecks=152340, penalty_kopecks=1250, as_of=datetime(2026, 11, 1, 3, 0, tzinfo=UTC))
    values["last_payment"] = LastPayment(amount_kopecks=98765, date=date(2026, 10, 20))
    return BillingAccountUpdated(**{**values, **overrides})


@pytest.fixture
def billing_event() -> Callable[..., BillingAccountUpdated]:
    return account_data


@pytest.fixture
def number() -> Callable[[], str]:
    return new_number


@pytest.fixture(scope="session")
async def billing(settings: AccountsSettings) -> AsyncIterator[Callable[..., Awaitable[BillingAccountUpdated]]]:
    """`await billing(**fields)`: an account in the registry, through the consumer's own handler."""
    engine = make_engine(settings, pool_size=1)

    async def put(**overrides: Any) -> BillingAccountUpdated:
        data = account_data(**overrides)
        async with UnitOfWork(make_sessionmaker(engine), settings.source) as uow:
            await billing_handlers.account_updated(uow, data, CloudEvent(id="-", source="/billing", type="-"))
            await uow.commit()
        return data

    yield put
    await engine.dispose()
