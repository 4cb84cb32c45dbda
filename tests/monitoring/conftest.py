"""The monitoring tests: the dashboards and Prometheus's configuration read as data, and, for
what they name, a whole development stack whose processes' `/metrics` are read.

`stack` is `lka-dev run` on ports, databases and a vhost of this module's own, as in tests/e2e
(whose fixtures a conftest here cannot see), started only by a test that asks for it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from lka_common.testing.databases import drop_database
from lka_common.testing.servers import Servers, private_vhost
from lka_common.testing.stack import SERVICES, Stack, database_url, pick_offset, running_stack, stack_environment


@pytest.fixture(scope="module")
async def stack(servers: Servers, run_id: str) -> AsyncIterator[Stack]:
    names = {svc: f"lka_test_{run_id}_monitoring_{svc}" for svc in SERVICES}
    with private_vhost(servers, f"lka_test_{run_id}_monitoring") as amqp_url:
        offset, marker = pick_offset(), uuid.uuid4().hex
        urls = {svc: database_url(svc, name) for svc, name in names.items()}
        env = stack_environment(offset, marker, servers.postgres_url, amqp_url, urls) | {"LKA_DEV_POOLS": "fit"}
        try:
            async with running_stack(env, marker, offset, amqp_url) as running:
                yield running
        finally:
            for name in names.values():
                drop_database(servers.postgres_url, name)
