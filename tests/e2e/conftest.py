"""The whole stack as `make run` starts it, on ports and databases of this test run.

`lka-dev run` is started with `LKA_DEV_PORT_OFFSET`, its own databases and this run's vhost,
so it also runs beside a developer's `make run`; every child carries a marker in its
environment so the test can prove that none survives Ctrl-C. Its database pools are the
largest, up to a development stack's, that fit in PostgreSQL's budget beside whatever else
runs (`LKA_DEV_POOLS=fit`, docs/operations.md "Connection budget").
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from lka_common.testing.databases import drop_database
from lka_common.testing.servers import Servers, private_vhost
from lka_common.testing.stack import SERVICES, Stack, database_url, pick_offset, running_stack, stack_environment

# The modules here import their support modules (drill_support.py) by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="module")
def stack_amqp_url(servers: Servers, run_id: str) -> Iterator[str]:
    """A vhost of the stack's own: its consumers must not take other tests' messages."""
    with private_vhost(servers, f"lka_test_{run_id}_e2e") as url:
        yield url


@pytest.fixture(scope="module")
def stack_env(servers: Servers, stack_amqp_url: str, run_id: str) -> Iterator[tuple[dict[str, str], str, int]]:
    offset = pick_offset()
    marker = uuid.uuid4().hex
    names = {svc: f"lka_test_{run_id}_e2e_{svc}" for svc in SERVICES}
    urls = {svc: database_url(svc, name) for svc, name in names.items()}
    env = stack_environment(offset, marker, servers.postgres_url, stack_amqp_url, urls) | {"LKA_DEV_POOLS": "fit"}
    yield env, marker, offset
    for name in names.values():
        drop_database(servers.postgres_url, name)


@pytest.fixture(scope="module")
async def stack(stack_env: tuple[dict[str, str], str, int], stack_amqp_url: str) -> AsyncIterator[Stack]:
    env, marker, offset = stack_env
    async with running_stack(env, marker, offset, stack_amqp_url) as stack:
        yield stack
