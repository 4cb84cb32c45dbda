"""Fixtures of the notifications tests: a migrated database, a mail catcher of their own, the
API served for real, the consumer and relay run in-process against this run's vhost, and a
channel to send them commands and events on (helpers beside it: notifications_support.py)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from lka_common.db import make_engine, make_sessionmaker
from lka_common.testing.http import serve_in_background
from lka_common.testing.tokens import TokenFactory
from lka_common.testing.workers import outbox_publisher, running_consumer
from lka_common.uow import UnitOfWork
from lka_mailcatcher.catcher import MailCatcher
from lka_notifications.bootstrap import build_app, reminder_senders, subscriptions
from lka_notifications.settings import NotificationsSettings

# The tests share a support module beside them (pytest imports tests by path, not package).
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
async def catcher() -> AsyncIterator[MailCatcher]:
    catcher = MailCatcher()
    await catcher.start("127.0.0.1", 0, 0)
    yield catcher
    await catcher.stop()


@pytest.fixture(scope="session")
def settings(
    migrated_database: Callable[[str], str], amqp_url: str, catcher: MailCatcher, tokens: TokenFactory
) -> NotificationsSettings:
    return NotificationsSettings(
        database_url=migrated_database("notifications"),
        amqp_url=amqp_url,
        environment="test",
        db_pool_size=5,  # this suite's ceiling on connections; no overflow, as the APIs ship
        smtp_port=catcher.smtp_port,
        jwks_json=tokens.jwks_json(),
        public_base_url="https://lk.example.test",
    )


@pytest.fixture(scope="session")
async def api(settings: NotificationsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_in_background(build_app(settings)) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        yield client


@pytest.fixture
async def consumer(settings: NotificationsSettings) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """`await consumer(**overrides)` starts the real subscriptions, and the reminder senders
    beside them, with changed settings."""
    async with AsyncExitStack() as running:

        async def start(**overrides: Any) -> None:
            chosen = settings.model_copy(update=overrides)
            consuming = running_consumer(chosen, lambda: subscriptions(chosen), beside=reminder_senders(chosen))
            await running.enter_async_context(consuming)

        yield start


@pytest.fixture
async def relay(settings: NotificationsSettings) -> AsyncIterator[Callable[[], Awaitable[int]]]:
    """`await relay()` publishes what the outbox holds, once."""
    async with outbox_publisher(settings) as publish:
        yield publish


@pytest.fixture
async def uow_factory(settings: NotificationsSettings) -> AsyncIterator[Callable[[], UnitOfWork]]:
    """Units of work on the notifications database, raising events as another service would."""
    engine = make_engine(settings, pool_size=2)
    sessionmaker = make_sessionmaker(engine)
    yield lambda: UnitOfWork(sessionmaker, "/lka/identity")
    await engine.dispose()
