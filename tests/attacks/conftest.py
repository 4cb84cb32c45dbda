"""One whole stack for the attack tests, with the limits as they ship.

The abuse suite's stack raises every limit for its fuzzer; an attacker's tests need the real
ones, since half of what an attacker goes after is a limit to get around. So this package
starts `lka-dev run` of its own (own ports, databases, vhost and Redis key prefix, so it runs
beside `make run` and the other suites), once for the package, and stops it after the last
attack test (`__init__.py` makes the directory a package, so package-scoped fixtures end here).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from lka_common.testing.databases import drop_database
from lka_common.testing.servers import Servers, private_vhost
from lka_common.testing.stack import SERVICES, Stack, database_url, pick_offset, running_stack, stack_environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attack_support import OUTSIDE_ADDRESS


@pytest.fixture(scope="package")
def attack_amqp_url(servers: Servers, run_id: str) -> Iterator[str]:
    with private_vhost(servers, f"lka_test_{run_id}_attacks") as url:
        yield url


@pytest.fixture(scope="package")
def attack_env(servers: Servers, attack_amqp_url: str, run_id: str) -> Iterator[dict[str, str]]:
    """The stack's environment: also what `make operator` needs to reach its identity database."""
    names = {svc: f"lka_test_{run_id}_attacks_{svc}" for svc in SERVICES}
    urls = {svc: database_url(svc, name) for svc, name in names.items()}
    env = stack_environment(pick_offset(), uuid.uuid4().hex, servers.postgres_url, attack_amqp_url, urls)
    env["LKA_GATEWAY_RATE_LIMIT_PREFIX"] = f"lka:attacks:{run_id}:"
    env["LKA_DEV_POOLS"] = "fit"  # the largest pools that fit in PostgreSQL's budget (docs/operations.md)
    yield env
    for name in names.values():
        drop_database(servers.postgres_url, name)


@pytest.fixture(scope="package")
async def attack_stack(attack_env: dict[str, str], attack_amqp_url: str) -> AsyncIterator[Stack]:
    offset = int(attack_env["LKA_DEV_PORT_OFFSET"])
    async with running_stack(attack_env, attack_env["LKA_E2E_MARKER"], offset, attack_amqp_url) as stack:
        yield stack


@pytest.fixture
async def http(attack_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the gateway from an address of the outside world: its connections leave
    from OUTSIDE_ADDRESS, which no layer of the stack trusts as a proxy."""
    transport = httpx.AsyncHTTPTransport(local_address=OUTSIDE_ADDRESS)
    async with httpx.AsyncClient(base_url=attack_stack.gateway, timeout=30, transport=transport) as client:
        yield client
