"""Fixtures of the notifications tests: a migrated database and the API served for real."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from lka_common.testing.http import serve_in_background
from lka_notifications.bootstrap import build_app
from lka_notifications.settings import NotificationsSettings


@pytest.fixture(scope="session")
def settings(migrated_database: Callable[[str], str], amqp_url: str) -> NotificationsSettings:
    return NotificationsSettings(
        database_url=migrated_database("notifications"), amqp_url=amqp_url, environment="test", db_pool_size=3
    )


@pytest.fixture(scope="session")
async def api(settings: NotificationsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_in_background(build_app(settings)) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        yield client
