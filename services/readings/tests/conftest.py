"""Fixtures of the readings tests: a migrated database, the API served for real with tokens of
the tests' own key, the consumer run in-process against this run's vhost, `meter` and `link`
putting billing's meters and the accounts service's links in place through the consumer's own
handlers, and `outbox` reading back the events the service raised."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import asyncpg
import httpx
import pytest

from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.accounts import AccountLinked
from lka_common.events.base import EventData
from lka_common.events.billing import BillingMeterUpdated, LastReading
from lka_common.events.envelope import CloudEvent
from lka_common.testing.databases import plain_url
from lka_common.testing.http import serve_in_background
from lka_common.testing.tokens import TokenFactory
from lka_common.testing.workers import running_consumer
from lka_common.uow import UnitOfWork
from lka_readings.bootstrap import build_app, subscriptions
from lka_readings.service_layer import projections
from lka_readings.settings import ReadingsSettings

V1 = "/api/v1"


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def settings(migrated_database: Callable[[str], str], amqp_url: str, tokens: TokenFactory) -> ReadingsSettings:
    return ReadingsSettings(
        database_url=migrated_database("readings"),
        amqp_url=amqp_url,
        environment="test",
        jwks_json=tokens.jwks_json(),
        # Every test below comes from 127.0.0.1: the public form's limits are tested on an app of
        # their own (test_public_form.py, `limited_api`).
        anonymous_readings_per_client_per_hour=1000,
        anonymous_readings_per_account_per_day=1000,
    )


@pytest.fixture(scope="session")
async def api(settings: ReadingsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve_in_background(build_app(settings)) as base_url,
        httpx.AsyncClient(base_url=base_url + V1, timeout=30) as client,
    ):
        yield client


@pytest.fixture(scope="session")
async def db(settings: ReadingsSettings) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(plain_url(settings.database_url), min_size=1, max_size=2) as pool:
        yield pool


@pytest.fixture
async def consumer(settings: ReadingsSettings) -> AsyncIterator[None]:
    """The service's real subscriptions consuming from this run's vhost during the test."""
    async with running_consumer(settings, lambda: subscriptions(settings)):
        yield


class Person(NamedTuple):
    user_id: uuid.UUID
    headers: dict[str, str]


@pytest.fixture
def person(tokens: TokenFactory) -> Callable[..., Person]:
    """`person()` a signed-in subscriber; `person("operator", user_id=…)` the same person made staff."""

    def make(role: str = "subscriber", user_id: uuid.UUID | None = None) -> Person:
        user_id = user_id or uuid.uuid4()
        return Person(user_id, {"Authorization": f"Bearer {tokens.issue(user_id, role=role)}"})

    return make


def new_number() -> str:
    """An account number no other test uses."""
    return str(random.randint(10**9, 10**10 - 1))


def meter_data(**overrides: Any) -> BillingMeterUpdated:
    """A two-zone meter as billing sends it (T1 8123, T2 3456.5 on 2026-10-20); a fresh account."""
    values: dict[str, Any] = dict(region_code="yalta", account_number=new_number(), serial_number="M230-0202")
    values.update(zones=2, digits=6, removed=False)
    values["last_reading"] = LastReading(values={"T1": Decimal(8123), "T2": Decimal("3456.5")}, date=date(2026, 10, 20))
    return BillingMeterUpdated(**{**values, **overrides})


@pytest.fixture
def meter_event() -> Callable[..., BillingMeterUpdated]:
    return meter_data


class Linked(NamedTuple):
    account_id: uuid.UUID
    region_code: str
    number: str


@pytest.fixture(scope="session")
async def handlers(settings: ReadingsSettings) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """`await handlers(handler, data)`: run a consumer handler and commit, as the consumer would."""
    engine = make_engine(settings, pool_size=1)

    async def run(handler: Any, data: EventData, time: datetime | None = None) -> None:
        event = CloudEvent(id=str(uuid.uuid4()), source="/test", type=data.event_type, time=time or datetime.now(UTC))
        async with UnitOfWork(make_sessionmaker(engine), settings.source) as uow:
            await handler(uow, data, event)
            await uow.commit()

    yield run
    await engine.dispose()


@pytest.fixture
def meter(handlers: Any) -> Callable[..., Awaitable[BillingMeterUpdated]]:
    """`await meter(**fields)`: a meter of billing's in place (a fresh account unless given)."""

    async def put(**overrides: Any) -> BillingMeterUpdated:
        data = meter_data(**overrides)
        await handlers(projections.meter_updated, data)
        return data

    return put


@pytest.fixture
def link(handlers: Any) -> Callable[..., Awaitable[Linked]]:
    """`await link(user_id, region_code, number)`: the account linked to the user, as the
    accounts service announces it; the account keeps its id across calls."""
    ids: dict[tuple[str, str], uuid.UUID] = {}

    async def put(user_id: uuid.UUID, region_code: str, number: str) -> Linked:
        account_id = ids.setdefault((region_code, number), uuid.uuid4())
        data = AccountLinked(
            user_id=user_id, account_id=account_id, region_code=region_code, account_number=number, linked_via="surname"
        )
        await handlers(projections.account_linked, data)
        return Linked(account_id, region_code, number)

    return put


class Scene(NamedTuple):
    """A subscriber, their linked account and its two-zone meter."""

    me: Person
    account: Linked
    meter_id: str
    data: BillingMeterUpdated


@pytest.fixture
async def scene(api: httpx.AsyncClient, person: Any, meter: Any, link: Any) -> Scene:
    data = await meter()
    me = person()
    account = await link(me.user_id, data.region_code, data.account_number)
    (shown,) = (await api.get(f"/accounts/{account.account_id}/meters", headers=me.headers)).json()
    return Scene(me, account, shown["id"], data)
