"""Pytest fixtures for every package (loaded by the root conftest.py).

`servers`: the run's PostgreSQL and RabbitMQ. `amqp_url`: a vhost of this run (this worker),
removed at the end; `channel`: a channel on it with the exchanges declared.
`migrated_database(service)`: a fresh database of that service, migrated
for real with its Alembic revisions, dropped at the end; its idle connections are closed when
a whole stack starts (testing/databases.release_idle_suite_connections). `eventually`,
`publish` and (with a `db` pool fixture of the service's own) `outbox`: see testing/events.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from typing import Any

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractChannel

from lka_common.messaging.topology import declare_exchanges
from lka_common.testing import events
from lka_common.testing.databases import SUITE_DATABASES, create_migrated_database, drop_database
from lka_common.testing.layout import service_dir
from lka_common.testing.servers import Servers, private_vhost, test_servers


@pytest.fixture(scope="session")
def run_id(worker_id: str) -> str:
    return f"{uuid.uuid4().hex[:8]}_{worker_id}"


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    with test_servers() as found:
        yield found


@pytest.fixture(scope="session")
def amqp_url(servers: Servers, run_id: str) -> Iterator[str]:
    with private_vhost(servers, f"lka_test_{run_id}") as url:
        yield url


@pytest.fixture
async def channel(amqp_url: str) -> AsyncIterator[AbstractChannel]:
    """A channel on this run's vhost with the exchanges declared, to send as other services do."""
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    await declare_exchanges(channel)
    yield channel
    await connection.close()


@pytest.fixture(scope="session")
def migrated_database(servers: Servers, run_id: str) -> Iterator[Callable[[str], str]]:
    """A factory: `migrated_database("notifications")` -> asyncpg URL of a fresh database."""
    created: list[str] = []

    def make(service: str) -> str:
        name = f"lka_test_{run_id}_{service}_{len(created)}"
        created.append(name)
        url = create_migrated_database(servers.postgres_url, name, service_dir(service))
        SUITE_DATABASES.setdefault(servers.postgres_url, set()).add(name)
        return url

    yield make
    for name in created:
        drop_database(servers.postgres_url, name)


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    """`await eventually(async_check)`: poll until it returns something truthy."""
    return events.eventually


@pytest.fixture
def publish(amqp_url: str) -> Callable[..., Awaitable[str]]:
    """`await publish(data)` -> its id: an event on `lka.events` as its producer sends it."""
    return partial(events.publish_event, amqp_url)


@pytest.fixture
def outbox(db: asyncpg.Pool) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """`await outbox(type, **fields)`: the `data` of such events in the service's outbox."""
    return partial(events.outbox_data, db)


@pytest.fixture
def reminders(db: asyncpg.Pool) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """`await reminders(template, **fields)`: the letters of the `SendReminders` in the service's
    outbox, one dict (`template`, `user_id`, `params`) per letter."""
    return partial(events.outbox_reminders, db)
