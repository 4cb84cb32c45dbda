"""System fault drills (issue 11, docs/quality.md item 13): the whole stack as `make run` starts it, hit where
it hurts, each drill asserting its pass criterion.

One stack for the package (`lka-dev run` on ports, servers and databases of its own, so
nothing else on the machine is disturbed, nor disturbs it; the drills, a module each, run in
file order and share it; its fixtures are package-scoped, hence the `__init__.py`):
- its broker is a **private RabbitMQ node** (never the shared one on 5672), which drill 1 kills
  and starts again;
- its databases are on a **private PostgreSQL cluster**; the readings service reaches its own
  through a **TCP proxy the test owns** (drill 3 cuts it off), the others go straight to it;
- a durable quorum **probe queue** bound to `lka.events`, declared before the stack starts,
  records the events the drills count (never deduplicated: copies are counted).

The drills (docs/drills.md, "System drills"):
1. the broker killed and started again in the middle of a stream of readings and card
   payments: every 201 reading and every succeeded payment has exactly one event id;
2. the readings consumer SIGKILLed in the middle of a stream of billing verdicts: the
   supervisor starts it again, and every verdict has its effect exactly once;
3. the readings database refused, then black-holed: readings answers 503 problem+json within
   2 s, the other services keep serving, and readings recovers by itself;
4. SIGTERM to the identity API during a burst of sign-ins: each one in flight is answered, the
   process exits after the lifespan's shutdown, and the supervisor starts it again.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx
import pytest
from drill_support import (
    PROBE_QUEUE,
    Household,
    Probe,
    household,
)

from lka_acquirer_emulator.testing import Browser
from lka_common.events.payments import PaymentSucceeded
from lka_common.events.readings import ReadingAccepted, ReadingSubmitted
from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.amqp import declare_test_queue
from lka_common.testing.private_servers import PrivatePostgres, PrivateRabbitMQ
from lka_common.testing.stack import SERVICES, Stack, database_url, pick_offset, running_stack, stack_environment
from lka_common.testing.tcp_proxy import TcpProxy
from lka_devstack import budget

PROBE_KEYS = [ReadingSubmitted.event_type, PaymentSucceeded.event_type, ReadingAccepted.event_type]
# Demo accounts of the billing simulator (tools/billing_simulator/README.md): (region, number, letters).
DEMO = [("simferopol", "91000101", "ИВА"), ("yalta", "91000202", "ЁЛК"), ("kerch", "91000303", "ПЕТ")]


@pytest.fixture(scope="package")
def broker() -> Iterator[PrivateRabbitMQ]:
    """The stack's broker: a node of this package's own, which drill 1 kills."""
    with PrivateRabbitMQ() as node:
        yield node
        print(f"private RabbitMQ {node.node_name}: starts took {[round(s, 1) for s in node.start_seconds]} s")


@pytest.fixture(scope="package")
async def stack_amqp_url(broker: PrivateRabbitMQ) -> str:
    """Overrides the e2e conftest's vhost on the shared broker: the private node's default vhost.

    The probe queue is declared here, before the stack starts and long before any kill (a
    quorum queue declared less than ~0.5 s before a node crash can be lost: docs/drills.md)."""
    await declare_test_queue(broker.amqp_url, PROBE_QUEUE, [(EVENTS_EXCHANGE, key) for key in PROBE_KEYS])
    return broker.amqp_url


@pytest.fixture(scope="package")
def postgres() -> Iterator[PrivatePostgres]:
    """The stack's PostgreSQL: a cluster of this package's own. The shared one allows 100
    connections in all, where a stack with the pools as shipped (89 at most) would not fit
    beside a developer's `make run`."""
    with PrivatePostgres(max_connections=200) as cluster:
        yield cluster


@pytest.fixture(scope="package")
def readings_db_proxy(postgres: PrivatePostgres) -> Iterator[TcpProxy]:
    with TcpProxy("127.0.0.1", postgres.port) as proxy:
        yield proxy


@pytest.fixture(scope="package")
def direct_db_urls(postgres: PrivatePostgres) -> dict[str, str]:
    """Each service's database reached directly (readings' not through the proxy), for checks."""
    return {svc: database_url(svc, f"lka_{svc}", postgres.port) for svc in SERVICES}


@pytest.fixture(scope="package")
def stack_env(
    postgres: PrivatePostgres, stack_amqp_url: str, readings_db_proxy: TcpProxy
) -> Iterator[tuple[dict[str, str], str, int]]:
    """Overrides the e2e conftest's: the same stack, on the private servers, with readings'
    database behind the proxy, the billing simulator's ledger in a folder of its own and the
    gateway's rate counters under a prefix of their own (the shared Redis also counts other
    runs' calls from 127.0.0.1)."""
    offset = pick_offset()
    marker = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="lka-drill-billing-") as state_dir:
        # The database pools as shipped: the private cluster has room for them, and a drill
        # is about the system as deployed, not the e2e tests' smaller pools.
        urls = {
            svc: database_url(svc, f"lka_{svc}", readings_db_proxy.port if svc == "readings" else postgres.port)
            for svc in SERVICES
        }
        env = stack_environment(offset, marker, postgres.admin_url, stack_amqp_url, urls)
        env |= budget.pools_env(dict.fromkeys(SERVICES, budget.SHIPPED))
        env |= {
            "LKA_BILLING_SIMULATOR_STATE_DIR": state_dir,
            # Billing answers in 0.2 s, not 5 s: drill 1 waits for a verdict on each reading.
            "LKA_BILLING_SIMULATOR_ANSWER_DELAY_S": "0.2",
            "LKA_GATEWAY_RATE_LIMIT_PREFIX": f"lka:drill:{marker}:",
        }
        yield env, marker, offset


@pytest.fixture(scope="package")
async def probe(stack: Stack) -> Probe:
    return Probe(stack.amqp_url)


@pytest.fixture(scope="package")
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        yield client


@pytest.fixture(scope="package")
async def households(http: httpx.AsyncClient, stack: Stack) -> list[Household]:
    return [await household(http, stack, *demo) for demo in DEMO]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield Browser(session)


@pytest.fixture(scope="package")
async def stack(stack_env: tuple[dict[str, str], str, int], stack_amqp_url: str) -> AsyncIterator[Stack]:
    """Overrides the e2e conftest's (module-scoped): one stack for the four drills."""
    env, marker, offset = stack_env
    async with running_stack(env, marker, offset, stack_amqp_url) as stack:
        yield stack
