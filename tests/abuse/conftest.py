"""Fixtures of the abuse suite: one whole stack for the suite, seeded once, stopped (and its
databases and vhost dropped) when the suite's last test ends — the fixtures are package-scoped,
and `__init__.py` makes tests/abuse a package, so the stack does not run on under later tests.

The stack is `lka-dev run` as tests/e2e start it (own ports, databases and vhost, so it runs
beside anything else on the machine), with these settings changed for the fuzzer, which
sends hundreds of calls a second from one address and one user:

- the gateway's rate limits (`LKA_GATEWAY_RATE_LIMITS`) raised to 100,000 a second, with a
  Redis key prefix of this run's own so no other stack's counters mix in;
- the per-address limits of the services raised to 100,000 an hour: identity's mail
  requests, token failures and sign-in failures per client, accounts' failed link attempts
  per user and per account, readings' anonymous readings, notifications' feedback.

The limits themselves are proven by each service's own tests; here they would only turn the
fuzzer's calls into 429s. Every process logs at DEBUG and the gateway logs each call, so the
leak scan reads as much as the processes can write.

`LKA_ABUSE_STACK_OFFSET` (development only): use a stack already started by hand with that
`LKA_DEV_PORT_OFFSET` and the environment `abuse_env` would give it, its log in
`LKA_ABUSE_STACK_LOG`, instead of starting one (saves its start-up on each run while writing tests).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from lka_common.testing.databases import drop_database
from lka_common.testing.processes import ServiceProcess
from lka_common.testing.servers import Servers, private_vhost
from lka_common.testing.stack import SERVICES, Stack, database_url, pick_offset, stack_environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abuse_actors import Secrets, World
from abuse_world import seed_world

RAISED_PER_HOUR = "100000"
RAISED_LIMITS = {
    "LKA_IDENTITY_MAIL_REQUESTS_PER_CLIENT_PER_HOUR": RAISED_PER_HOUR,
    "LKA_IDENTITY_TOKEN_FAILURES_PER_CLIENT_PER_HOUR": RAISED_PER_HOUR,
    "LKA_IDENTITY_LOGIN_FAILURES_PER_CLIENT": RAISED_PER_HOUR,
    "LKA_ACCOUNTS_LINK_FAILURES_PER_USER": RAISED_PER_HOUR,
    "LKA_ACCOUNTS_LINK_FAILURES_PER_ACCOUNT": RAISED_PER_HOUR,
    "LKA_READINGS_ANONYMOUS_READINGS_PER_CLIENT_PER_HOUR": RAISED_PER_HOUR,
    "LKA_READINGS_ANONYMOUS_READINGS_PER_ACCOUNT_PER_DAY": RAISED_PER_HOUR,
    "LKA_NOTIFICATIONS_FEEDBACK_PER_CLIENT_PER_HOUR": RAISED_PER_HOUR,
}


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The leak scan reads what every other abuse test left behind: it runs after them, and
    before any other package's tests (after those, the package's stack would have been stopped
    and a fresh one, which nothing fuzzed, started and seeded just for the scan)."""
    leaks = [item for item in items if item.path.parent == HERE and item.path.name == "test_leaks.py"]
    for item in leaks:
        items.remove(item)
    ours = [index for index, item in enumerate(items) if item.path.parent == HERE]
    at = ours[-1] + 1 if ours else len(items)
    items[at:at] = leaks


@pytest.fixture(scope="package")
def abuse_amqp_url(servers: Servers, run_id: str) -> Iterator[str]:
    with private_vhost(servers, f"lka_test_{run_id}_abuse") as url:
        yield url


@pytest.fixture(scope="package")
def abuse_databases(run_id: str) -> dict[str, str]:
    """The database name of each service of the abuse stack."""
    return {svc: f"lka_test_{run_id}_abuse_{svc}" for svc in SERVICES}


@pytest.fixture(scope="package")
def abuse_env(
    servers: Servers, abuse_amqp_url: str, abuse_databases: dict[str, str], run_id: str
) -> Iterator[dict[str, str]]:
    offset = int(os.environ.get("LKA_ABUSE_STACK_OFFSET") or pick_offset())
    urls = {svc: database_url(svc, name) for svc, name in abuse_databases.items()}
    env = stack_environment(offset, uuid.uuid4().hex, servers.postgres_url, abuse_amqp_url, urls)
    env |= {
        "LKA_GATEWAY_RATE_LIMITS": json.dumps(
            {"anonymous": {"rate": 100000, "burst": 100000}, "signed_in": {"rate": 100000, "burst": 100000}}
        ),
        "LKA_GATEWAY_RATE_LIMIT_PREFIX": f"lka:abuse:{run_id}:",
        "LKA_GATEWAY_LOG_EACH_CALL": "true",
        "LKA_GATEWAY_LOG_LEVEL": "DEBUG",
        **RAISED_LIMITS,
    }
    env["LKA_DEV_POOLS"] = "fit"  # the largest pools that fit in PostgreSQL's budget (docs/operations.md)
    for svc in abuse_databases:
        env[f"LKA_{svc.upper()}_LOG_LEVEL"] = "DEBUG"
    if os.environ.get("LKA_ABUSE_STACK_OFFSET"):
        env.update({key: value for key, value in os.environ.items() if key.endswith("_DATABASE_URL")})
        env["LKA_AMQP_URL"] = os.environ.get("LKA_AMQP_URL", abuse_amqp_url)
    yield env
    if not os.environ.get("LKA_ABUSE_STACK_OFFSET"):
        for name in abuse_databases.values():
            drop_database(servers.postgres_url, name)


@pytest.fixture(scope="package")
async def abuse_stack(abuse_env: dict[str, str], abuse_amqp_url: str) -> AsyncIterator[Stack]:
    offset = int(abuse_env["LKA_DEV_PORT_OFFSET"])
    process = ServiceProcess.module("abuse-stack", "lka_devstack", abuse_env)
    if os.environ.get("LKA_ABUSE_STACK_OFFSET"):
        process.log_path = Path(os.environ["LKA_ABUSE_STACK_LOG"])
        yield Stack(process, offset, abuse_env["LKA_E2E_MARKER"], abuse_env["LKA_AMQP_URL"])
        return
    process.argv.append("run")
    process.start()
    try:
        await process.wait_for_text("ЛКА запущен", timeout=180)
        yield Stack(process, offset, abuse_env["LKA_E2E_MARKER"], abuse_amqp_url)
    finally:
        process.stop()
        process.cleanup()


@pytest.fixture(scope="package")
def vault() -> Secrets:
    """Every secret the suite used, for the leak scan."""
    return Secrets()


@pytest.fixture(scope="package")
async def world(abuse_stack: Stack, abuse_env: dict[str, str], vault: Secrets) -> World:
    async with httpx.AsyncClient(base_url=abuse_stack.gateway, timeout=30) as http:
        return await seed_world(http, abuse_stack, vault, {**os.environ, **abuse_env})
